using LeanNets.Layers;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Tests.Layers;

public class AsymmetricZeroPadTests
{
    /// <summary>CNTK's "same" amounts: the ImageNet file's at 224 px (stem 3/2, max-pool and strided 3x3 1/0),
    /// and an odd size padded alike on both sides.</summary>
    [Theory]
    [InlineData(7, 224, 3, 2)]
    [InlineData(3, 112, 1, 0)]
    [InlineData(3, 56, 1, 0)]
    [InlineData(3, 7, 1, 1)]
    [InlineData(3, 1, 1, 1)]
    public void AmountsAreCntks(long kernel, long size, long before, long after)
    {
        using var pad = new AsymmetricZeroPad(kernel, 2);
        Assert.Equal((before, after), pad.Amounts(size));
    }

    /// <summary>At 112 px the last strided layer sees 7x7: fixed 1/0 amounts would give its main path 3x3 and its
    /// projection 4x4; CNTK's rule gives both 4x4.</summary>
    [Fact]
    public void TheCntkNetworkRunsAtSizesWithOddLayers()
    {
        using var model = ModelRegistry.Create("resnet18_mlnet", 10);
        model.eval();
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        Assert.Equal([1L, 512, 4, 4], model.ForwardFeatures(zeros(1, 3, 112, 112)).shape);
    }
}
