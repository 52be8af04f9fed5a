using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Tests.Models;

/// <summary>The model contract, checked for every registry entry on one model built once (10 classes, one
/// input channel): state-dict names, stem, stages, feature info, head, and a gradient for every learnable
/// parameter.</summary>
public class ModelContractTests
{
    // With Size + 32, exact for reductions up to 32 (the deepest stage of every family): 1x1 and 2x2 there.
    private const int Size = 32;

    public static IEnumerable<object[]> AllModels() => ModelRegistry.List().Select(s => new object[] { s.Name });

    [Theory]
    [MemberData(nameof(AllModels))]
    public void EveryEntryKeepsTheContract(string name)
    {
        using var model = ModelRegistry.Create(name, numClasses: 10, inChannels: 1);
        StateDictNamesAreUniform(model);
        FeatureInfoMatchesTheRealStageOutputs(model);
        EveryLearnableParameterReceivesAGradient(model);
    }

    private static void StateDictNamesAreUniform(Classifier model)
    {
        var names = model.state_dict().Keys.ToList();
        Assert.All(names, n => Assert.Matches(@"^(stem|stages\.\d+|head)\.", n));
        Assert.Contains(names, n => n.StartsWith("head.fc.", StringComparison.Ordinal));
    }

    private static void FeatureInfoMatchesTheRealStageOutputs(Classifier model)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 1, Size, Size);
        var outputs = model.ForwardIntermediates(x);
        var larger = model.ForwardIntermediates(randn(2, 1, Size + 32, Size + 32));
        Assert.Equal(model.FeatureInfo.Count, outputs.Count);
        Assert.Equal(model.Stages.Count, outputs.Count);
        for (int i = 0; i < outputs.Count; i++)
        {
            var info = model.FeatureInfo[i];
            Assert.Equal($"stages.{i}", info.Module);
            Assert.Equal(info.Channels, outputs[i].shape[1]);
            // 32 more input pixels give 32 / reduction more output pixels, whatever padding adds at the borders.
            Assert.Equal(32 / info.Reduction, larger[i].shape[2] - outputs[i].shape[2]);
        }
        Assert.True(model.FeatureInfo.Zip(model.FeatureInfo.Skip(1)).All(p => p.Second.Reduction >= p.First.Reduction));
        Assert.Equal(model.NumFeatures, model.Head.InChannels);
        var stem = model.Stem.call(x);
        Assert.Equal(model.StemInfo.Channels, stem.shape[1]);
        Assert.InRange(stem.shape[2], Size / model.StemInfo.Reduction, Size / model.StemInfo.Reduction + 2);

        var features = model.ForwardFeatures(x);
        Assert.True(features.equal(outputs[^1]).all().item<bool>(), "ForwardFeatures is the last stage's output");
        var last = Assert.Single(model.ForwardIntermediates(x, [-1]));
        Assert.True(last.equal(features).all().item<bool>());
        var logits = model.call(x);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
        Assert.True(model.ForwardHead(features).allclose(logits), "forward = head(features)");
        Assert.Equal(
            new long[] { 2, model.Head.PreLogitsFeatures },
            model.ForwardHead(features, preLogits: true).shape
        );
    }

    private static void EveryLearnableParameterReceivesAGradient(Classifier model)
    {
        model.train();
        using (var scope = NewDisposeScope())
        {
            var loss = nn.functional.cross_entropy(model.call(randn(2, 1, Size, Size)), tensor(new long[] { 3, 9 }));
            loss.backward();
            Assert.True(float.IsFinite(loss.item<float>()));
        }
        var missing = model
            .named_parameters()
            .Where(p => p.parameter.requires_grad && p.parameter.grad is null)
            .Select(p => p.name)
            .ToList();
        Assert.Empty(missing);
        var nonFinite = model
            .named_parameters()
            .Where(p => p.parameter.grad is { } g && !g.isfinite().all().item<bool>())
            .Select(p => p.name)
            .ToList();
        Assert.Empty(nonFinite);
    }

    [Fact]
    public void UnknownStageNamesTheValidRange()
    {
        using var model = ModelRegistry.Create("resnet50_cifar");
        using var x = randn(1, 3, 32, 32);
        var e = Assert.Throws<LeanNetsUsageException>(() => model.ForwardIntermediates(x, [7]));
        Assert.Contains("0..3", e.Message);
    }
}
