using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Layers;

/// <summary>The workaround for libtorch's crashing strided 1x1 backward gives the strided conv's results.</summary>
public class StridedPointwiseTests
{
    [Fact]
    public void EqualsAStridedOneByOneConvAndTrainsAtWidthsThatCrashLibtorch()
    {
        using var layer = new StridedPointwiseConv(512, 1024, 2);
        using var x = randn(2, 512, 3, 3).requires_grad_();
        using var y = layer.call(x);
        var weight = layer.parameters().Single();
        using (no_grad())
        {
            using var reference = nn.functional.conv2d(x, weight, null, new long[] { 2 });
            Assert.True(y.allclose(reference, 1e-4, 1e-5));
        }
        y.sum().backward(); // libtorch's own stride-2 1x1 backward dies with SIGFPE at this size
        // d(sum)/dx is the sum of the filters at every sampled pixel and zero elsewhere.
        using var perChannel = weight.detach().sum(dim: 0).view(-1);
        using var grad = x.grad!.select(0, 0);
        using var sampled = grad.select(1, 0).select(1, 0);
        using var skipped = grad.select(1, 1).select(1, 1);
        Assert.True(sampled.allclose(perChannel, 1e-4, 1e-5));
        Assert.Equal(0, skipped.abs().sum().item<float>());
    }

    [Fact]
    public void ConvFactoryUsesItOnlyForStridedOneByOne()
    {
        Assert.IsType<StridedPointwiseConv>(ConvNormAct.Conv(8, 8, 1, 2));
        Assert.IsType<TorchSharp.Modules.Conv2d>(ConvNormAct.Conv(8, 8, 1, 1));
        Assert.IsType<TorchSharp.Modules.Conv2d>(ConvNormAct.Conv(8, 8, 3, 2));
    }
}
