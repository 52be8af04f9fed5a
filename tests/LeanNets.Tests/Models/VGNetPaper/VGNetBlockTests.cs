using LeanNets.Layers;
using LeanNets.Models;
using LeanNets.Models.VGNetPaper;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Models.VGNetPaper;

public class VGNetBlockTests
{
    [Fact]
    public void HalfIdentityPassesTheRightHalfOnAsTheLeftHalf()
    {
        using var block = new HalfIdentityBlock(
            8,
            DepthwiseKernels.Learnable,
            ActivationKind.ReLU,
            squeezeExcite: false
        );
        block.eval();
        using var left = randn(2, 4, 6, 6);
        using var right = randn(2, 4, 6, 6);
        var (outLeft, outRight) = block.call((left, right));
        Assert.True(outLeft.equal(right).all().item<bool>());
        Assert.Equal(new long[] { 2, 4, 6, 6 }, outRight.shape);
        Assert.False(outRight.equal(left).all().item<bool>());
    }

    [Fact]
    public void HalfIdentityNewHalfDependsOnBothHalves()
    {
        using var block = new HalfIdentityBlock(
            8,
            DepthwiseKernels.FourEdges,
            ActivationKind.ReLU,
            squeezeExcite: true
        );
        block.eval();
        using var left = randn(1, 4, 5, 5);
        using var right = randn(1, 4, 5, 5);
        using var baseline = block.call((left, right)).Right;
        using var leftChanged = block.call((left + 1, right)).Right;
        using var rightChanged = block.call((left, right * 2)).Right;
        Assert.False(baseline.allclose(leftChanged));
        Assert.False(baseline.allclose(rightChanged));
    }

    [Theory]
    [InlineData(28, 56, 28)] // doubling: half reused, half generated
    [InlineData(32, 72, 32)] // out > 2*in: all input reused, the rest generated, re-cut into halves
    [InlineData(224, 368, 184)]
    public void DownsamplingReusesTheLastInputChannels(int inChannels, int outChannels, int reused)
    {
        using var block = new DownsamplingBlock(
            inChannels,
            outChannels,
            DepthwiseKernels.SignedBlur,
            ActivationKind.ReLU,
            false
        );
        block.eval();
        Assert.Equal(reused, block.ReusedChannels);
        using var x = randn(1, inChannels, 8, 8);
        var (left, right) = block.call(x);
        Assert.Equal(new long[] { 1, outChannels / 2, 4, 4 }, left.shape);
        Assert.Equal(new long[] { 1, outChannels / 2, 4, 4 }, right.shape);
        // The reused channels are the blurred input's last channels, untouched by any pointwise conv.
        using var blurred = new FixedDepthwiseConv(inChannels, FixedKernels.Set.SignedBlur, 2).call(x);
        using var joined = cat([left, right], 1);
        Assert.True(joined.narrow(1, 0, reused).allclose(blurred.narrow(1, inChannels - reused, reused), 1e-5, 1e-6));
    }

    [Fact]
    public void SignedBlurAlternatesSign()
    {
        using var w = FixedKernels.DepthwiseWeight(FixedKernels.Set.SignedBlur, 4);
        // The spec prints the centre tap to four decimals: within half a unit of the last one.
        Near.Equal(0.1853f, w[0, 0, 1, 1].item<float>(), 5e-5);
        Near.Equal(-0.1853f, w[1, 0, 1, 1].item<float>(), 5e-5);
        Near.Equal(0.1853f, w[2, 0, 1, 1].item<float>(), 5e-5);
    }

    [Fact]
    public void FixedKernelsDoNotMoveInTraining()
    {
        using var model = ModelRegistry.Create("vgnetf2_1_5mp_cifar", numClasses: 10);
        var fixedBefore = model
            .named_buffers()
            .Where(b => b.name.EndsWith("weight"))
            .Select(b => (b.name, b.buffer.clone()))
            .ToList();
        Assert.NotEmpty(fixedBefore);
        var learnableBefore = model.parameters().First().clone();
        using var optimizer = optim.SGD(model.parameters(), 0.5, momentum: 0.9);
        model.train();
        for (int step = 0; step < 2; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.cross_entropy(
                model.call(randn(4, 3, 32, 32)),
                tensor(new long[] { 0, 1, 2, 3 })
            );
            loss.backward();
            optimizer.step();
        }
        var after = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, before) in fixedBefore)
            Assert.True(before.equal(after[name]).all().item<bool>(), name);
        Assert.False(learnableBefore.equal(model.parameters().First()).all().item<bool>());
    }

    [Fact]
    public void SharedDepthwiseHasOneKernelPerShareGroupAndSumsItsGradients()
    {
        using var shared = new SharedDepthwiseConv(16, 8);
        var weight = shared.parameters().Single();
        Assert.Equal(new long[] { 2, 1, 3, 3 }, weight.shape);
        using var x = randn(1, 16, 5, 5);
        using var y = shared.call(x);
        Assert.Equal(new long[] { 1, 16, 5, 5 }, y.shape);
        // Equals a depthwise conv whose 16 kernels repeat the 2 shared ones.
        using var repeated = weight.repeat(8, 1, 1, 1);
        using var reference = nn.functional.conv2d(x, repeated, null, new long[] { 1 }, new long[] { 1 }, groups: 16);
        Assert.True(y.allclose(reference, 1e-5, 1e-6));
        // One gradient per shared kernel: the sum of the gradients its 8 uses receive.
        y.sum().backward();
        using var xr = x.detach().reshape(8, 2, 5, 5);
        using var dense = weight.detach().clone().requires_grad_();
        nn.functional.conv2d(xr, dense, null, new long[] { 1 }, new long[] { 1 }, groups: 2).sum().backward();
        Assert.True(weight.grad!.allclose(dense.grad!, 1e-4, 1e-5));
    }

    [Theory]
    [InlineData("vgnetg_1_0mp", 224, 7)]
    [InlineData("vgnetc_1_5mp_cifar", 32, 4)]
    public void FeaturesEndAtTheLastStageResolution(string name, int size, int finalSize)
    {
        using var model = ModelRegistry.Create(name, numClasses: 5);
        model.eval();
        using var x = randn(2, 3, size, size);
        using var map = model.ForwardFeatures(x);
        Assert.Equal(finalSize, map.shape[2]);
        using var logits = model.call(x);
        Assert.Equal(new long[] { 2, 5 }, logits.shape);
    }
}
