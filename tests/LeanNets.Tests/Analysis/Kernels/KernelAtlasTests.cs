using LeanNets.Analysis.Kernels;
using LeanNets.Models;

namespace LeanNets.Tests.Analysis.Kernels;

public class KernelAtlasTests
{
    [Fact]
    public void VGNetGsFixedDownsamplingKernelsAreGaussianLike()
    {
        using var model = ModelRegistry.Create("vgnetg_1_0mp");
        var atlas = KernelAtlas.Analyze(model);
        var fixedLayers = atlas.Where(l => l.Kind.StartsWith("fixed", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(fixedLayers);
        // The signed blur is a Gaussian with alternating sign: every kernel fits a Gaussian.
        Assert.All(fixedLayers, l => Assert.Equal(1.0, l.Fraction(KernelType.GaussianLike)));
        Assert.Equal(Enumerable.Range(0, atlas.Count), atlas.Select(l => l.Depth));
        Assert.All(atlas, l => Assert.Equal(l.Classes.Count * 9, l.Values.Length));
    }

    [Fact]
    public void FullConvolutionsAreReadAsSlicesUpToTheCap()
    {
        using var model = ModelRegistry.Create("vgg16_cifar");
        var atlas = KernelAtlas.Analyze(model, maxSlicesPerLayer: 200);
        Assert.Equal(13, atlas.Count);
        Assert.Equal(3 * 64, atlas[0].Classes.Count); // the first conv: 64 filters x 3 input channels
        Assert.All(atlas.Skip(1), l => Assert.Equal(200, l.Classes.Count));
        // Freshly initialised kernels are noise: mostly "other", never all one shape.
        Assert.All(atlas, l => Assert.True(l.Fraction(KernelType.Other) > 0.5, l.Name));
    }
}
