using LeanNets.Analysis;
using LeanNets.Analysis.Kernels;
using LeanNets.Measures;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Tests.Analysis.Kernels;

public class DesignAdviceTests
{
    /// <summary>Three learned depthwise layers of VGNetC are set to blurs, identities and zeros; each gets the
    /// matching guideline with the profiler's own counts, and the untouched (random) layers get none.</summary>
    [Fact]
    public void EachGuidelineFollowsTheMeasuredKernelsWithProfilerCounts()
    {
        using var model = ModelRegistry.Create("vgnetc_1_5mp_cifar", numClasses: 10);
        var depthwise = KernelInspector.SpatialKernels(model).Where(l => l.Learned && l.Depthwise).ToList();
        Assert.True(depthwise.Count >= 3);
        using (no_grad())
        using (NewDisposeScope())
        {
            var blur = tensor(new float[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }).view(1, 1, 3, 3);
            depthwise[0].Weight.copy_(blur.expand_as(depthwise[0].Weight));
            var identity = tensor(new float[] { 0, 0, 0, 0, 1, 0, 0, 0, 0 }).view(1, 1, 3, 3);
            depthwise[1].Weight.copy_(identity.expand_as(depthwise[1].Weight));
            depthwise[2].Weight.zero_();
        }
        var atlas = KernelAtlas.Analyze(model);
        var profile = ModelProfiler.Profile(model, [1, 3, 32, 32]);
        var advice = DesignAdvice.For(atlas, profile).ToDictionary(a => a.Layer);

        (long Params, long Macs) Cost(string layer) =>
            (
                profile.Layers.First(l => l.Name == layer).Params,
                profile.Layers.Where(l => l.Name == layer).Sum(l => l.Macs)
            );

        var fix = advice[depthwise[0].Name];
        Assert.Equal(AdviceKind.FixAsBlur, fix.Kind);
        Assert.Equal(1.0, fix.Share);
        Assert.Equal(Cost(fix.Layer).Params, fix.ParamsSaved);
        Assert.Equal(0, fix.MacsSaved);

        var pass = advice[depthwise[1].Name];
        Assert.Equal(AdviceKind.IdentityMapping, pass.Kind);
        Assert.Equal(Cost(pass.Layer), (pass.ParamsSaved, pass.MacsSaved));
        Assert.True(pass.MacsSaved > 0);

        // A layer of zeros is near-zero against its own median only when some kernels are not zero; an all-zero
        // layer has norm 0 everywhere, which the classifier calls near-zero too.
        var prune = advice[depthwise[2].Name];
        Assert.Equal(AdviceKind.Prune, prune.Kind);
        Assert.Equal(Cost(prune.Layer), (prune.ParamsSaved, prune.MacsSaved));

        Assert.All(depthwise.Skip(3), l => Assert.False(advice.ContainsKey(l.Name), l.Name));
        Assert.DoesNotContain(atlas.Where(l => !l.Learned), l => advice.ContainsKey(l.Name));
    }
}
