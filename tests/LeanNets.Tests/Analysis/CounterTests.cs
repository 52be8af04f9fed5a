using LeanNets.Layers;
using LeanNets.Measures;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Analysis;

/// <summary>The params/MACs counter on layers whose counts can be worked out by hand.</summary>
public class CounterTests
{
    [Fact]
    public void StandardConv3x3()
    {
        // 8->16 channels, 3x3, bias: params 16*8*9+16 = 1168; stride 1 pad 1 on 10x10: 100*16*8*9 = 115,200 MACs.
        using var conv = nn.Conv2d(8, 16, 3, padding: 1);
        var p = ModelProfiler.Profile(conv, [1, 8, 10, 10]);
        Assert.Equal(1168, p.Params);
        Assert.Equal(115_200, p.Macs);
    }

    [Fact]
    public void GroupedConvWithStride()
    {
        // 8->16, 4 groups, no bias: 16*2*9 = 288 params; stride 2 on 10x10 -> 5x5: 25*16*2*9 = 7,200 MACs.
        using var conv = nn.Conv2d(8, 16, 3, stride: 2, padding: 1, groups: 4, bias: false);
        var p = ModelProfiler.Profile(conv, [1, 8, 10, 10]);
        Assert.Equal(288, p.Params);
        Assert.Equal(7_200, p.Macs);
        Assert.Equal(new long[] { 1, 16, 5, 5 }, p.Layers.Single().OutputShape);
    }

    [Fact]
    public void DepthwiseConv()
    {
        // 12 channels depthwise 3x3: 12*9 = 108 params, 6x6 output: 36*12*9 = 3,888 MACs.
        using var conv = nn.Conv2d(12, 12, 3, padding: 1, groups: 12, bias: false);
        var p = ModelProfiler.Profile(conv, [1, 12, 6, 6]);
        Assert.Equal(108, p.Params);
        Assert.Equal(3_888, p.Macs);
    }

    [Fact]
    public void LinearLayerInsideSequential()
    {
        // Flatten 2x3x3 = 18 features -> 5: 95 params, 90 MACs; the flatten counts nothing.
        using var model = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(18, 5)));
        var p = ModelProfiler.Profile(model, [1, 2, 3, 3]);
        Assert.Equal(95, p.Params);
        Assert.Equal(90, p.Macs);
        Assert.Equal(["flatten", "fc"], p.Layers.Select(l => l.Name));
    }

    [Fact]
    public void FrozenParametersAreNotLearnable()
    {
        using var conv = nn.Conv2d(4, 4, 3, bias: false);
        conv.weight!.requires_grad = false;
        var p = ModelProfiler.Profile(conv, [1, 4, 5, 5]);
        Assert.Equal(0, p.Params);
        Assert.Equal(144, p.FixedValues);
    }

    [Fact]
    public void BatchNormStatisticsAreNeitherParamsNorMacs()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(3, 4, 1, bias: false)), ("bn", BatchNorm.Over2d(4)));
        var p = ModelProfiler.Profile(model, [1, 3, 2, 2]);
        Assert.Equal(12 + 8, p.Params);
        Assert.Equal(0, p.FixedValues);
        Assert.Equal(4 * 4 * 3, p.Macs);
    }

    [Fact]
    public void RejectsBatchedInputShape() =>
        Assert.Throws<ArgumentException>(() => ModelProfiler.Profile(nn.Identity(), [2, 3, 4, 4]));
}
