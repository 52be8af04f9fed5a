using LeanNets.Analysis;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Models.Peers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Models.Peers;

/// <summary>VGNet's comparison networks (Table 3) against torchvision/timm counts and published MACs.</summary>
public class PeerModelTests
{
    [Theory]
    [InlineData("mobilenetv1_100", 4_231_976, 4.232)]
    [InlineData("mobilenetv2_050", 1_968_680, 1.969)]
    [InlineData("mobilenetv2_075", 2_636_424, 2.636)]
    [InlineData("mobilenetv2_100", 3_504_872, 3.505)]
    [InlineData("mobilenetv3_small_100", 2_542_856, 2.543)]
    [InlineData("mobilenetv3_large_075", 3_993_528, 3.994)]
    [InlineData("shufflenetv2_x1_0", 2_278_604, 2.279)]
    [InlineData("shufflenetv2_x1_5", 3_503_624, 3.504)]
    [InlineData("ghostnet_100", 5_182_508, 5.183)]
    [InlineData("regnetx_004", 5_157_512, 5.158)]
    [InlineData("regnety_004", 4_344_144, 4.344)]
    public void ParamsMatchTableThree(string name, long exact, double tableMillions)
    {
        using var model = ModelRegistry.Create(name);
        long count = ModelProfiler.CountParams(model);
        Assert.Equal(exact, count);
        // Table 3 prints millions to three decimals: within half a unit of the last one.
        Near.Equal(tableMillions, count / 1e6, 0.0005);
    }

    [Theory]
    [InlineData("mobilenetv2_100", 300e6)]
    [InlineData("shufflenetv2_x1_0", 146e6)]
    [InlineData("mobilenetv3_small_100", 56e6)]
    [InlineData("regnetx_004", 400e6)]
    [InlineData("regnety_004", 400e6)]
    [InlineData("ghostnet_100", 141e6)]
    public void MacsWithinTwoPercentOfPublished(string name, double published)
    {
        // The shipped counts are the profiler's at 224x224 (ModelCountsTests): one profile per model per run.
        var macs = LeanNets.Analysis.ModelCounts.Shipped(CountedModel.Get(name))!.Macs;
        Assert.InRange(macs, published * 0.98, published * 1.02);
    }

    public static IEnumerable<object[]> Peers() =>
        ModelRegistry.List().Where(s => s.Paper == Paper.Peer).Select(s => new object[] { s.Name });

    [Theory]
    [MemberData(nameof(Peers))]
    public void ForwardAndBackwardAt32And224(string name)
    {
        using var model = ModelRegistry.Create(name, numClasses: 7);
        model.train();
        foreach (int size in new[] { 32, 224 })
        {
            using var scope = NewDisposeScope();
            var logits = model.call(randn(2, 3, size, size));
            Assert.Equal(new long[] { 2, 7 }, logits.shape);
            Assert.True(logits.isfinite().all().item<bool>());
            logits.sum().backward();
            Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.isfinite().all().item<bool>()));
            model.zero_grad();
        }
    }

    /// <summary>ShuffleNetV2's join is a channel shuffle of the concatenation: output channel 2i is the first half's
    /// channel i and 2i + 1 the second's.</summary>
    [Fact]
    public void JoinShuffledInterleavesTheHalves()
    {
        using var scope = NewDisposeScope();
        var index = arange(0, 6, dtype: float32).view(1, 6, 1, 1).expand(2, 6, 3, 3);
        var joined = ShuffleBlock.JoinShuffled(index * 2, index * 2 + 1);
        Assert.Equal([2L, 12, 3, 3], joined.shape);
        Assert.True(joined.eq(arange(0, 12, dtype: float32).view(1, 12, 1, 1).expand(2, 12, 3, 3)).all().item<bool>());
    }
}
