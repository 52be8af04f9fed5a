using LeanNets.Analysis.Attribution;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Tests.Analysis.Attribution;

/// <summary>Grad-CAM and guided backprop against values derived by hand on tiny networks.</summary>
public class AttributionTests
{
    /// <summary>input -> one stage -> global average pool -> linear (2 classes).</summary>
    private static Classifier Tiny(nn.Module<Tensor, Tensor> stage, long channels) =>
        new("tiny", new StagePart(nn.Identity(), 3, 1), [new StagePart(stage, channels, 1)],
            new ClassifierHead(channels, 2));

    [Fact]
    public void GradCamOfConvPoolLinearIsTheClassWeightedSumOfMaps()
    {
        manual_seed(7);
        using var conv = nn.Conv2d(3, 4, 3, padding: 1);
        using var model = Tiny(conv, 4);
        using var x = randn(1, 3, 6, 5);
        using var cam = GradCam.Compute(model, x, targetClass: 1, stage: 0);

        // d score / d A_k = w_1k / (H W) everywhere, so the CAM is relu(sum_k w_1k A_k), scaled to max 1.
        using var maps = conv.call(x)[0];
        using var weights = model.Head.Fc.weight![1].view(4, 1, 1);
        using var expected = nn.functional.relu((weights * maps).sum(dim: 0));
        using var normalised = expected / expected.max();
        Assert.Equal(1, cam.TargetClass);
        Assert.True(cam.Heatmap.allclose(normalised, rtol: 1e-4, atol: 1e-5));
        // Divided by its own maximum: one, up to float32 round-off.
        Near.Equal(1f, cam.Heatmap.max().item<float>(), 1e-6);
    }

    [Fact]
    public void GradCamPlusPlusOfConvPoolLinearMatchesItsClosedForm()
    {
        manual_seed(11);
        using var conv = nn.Conv2d(3, 4, 3, padding: 1);
        using var model = Tiny(nn.Sequential(conv, nn.ReLU()), 4);
        using var x = randn(1, 3, 5, 6);
        using var cam = GradCam.Compute(model, x, targetClass: 0, stage: 0, method: CamMethod.GradCamPlusPlus);

        // The gradient is g_k = w_0k / 30 at every position; alpha = g^2 / (2 g^2 + S_k g^3) with S_k the sum of
        // map k, so the weight is 30 * relu(g_k) * alpha_k, and the CAM relu(sum_k weight_k A_k), scaled to max 1.
        using var maps = nn.functional.relu(conv.call(x))[0];
        var w = model.Head.Fc.weight![0].data<float>().ToArray();
        var sums = maps.sum([1, 2]).data<float>().ToArray();
        var k = new float[4];
        for (int c = 0; c < 4; c++)
        {
            double g = w[c] / 30.0;
            k[c] = (float)(g <= 0 ? 0 : 30 * g * g * g / (2 * g * g + sums[c] * g * g * g));
        }
        using var weights = tensor(k).view(4, 1, 1);
        using var expected = nn.functional.relu((weights * maps).sum(dim: 0));
        using var normalised = expected / expected.max();
        Assert.True(cam.Heatmap.allclose(normalised, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void GradCamDefaultsToTheTopClassAndTheLastStage()
    {
        using var model = ModelRegistry.Create("resnet50_cifar", numClasses: 10);
        using var x = randn(1, 3, 32, 32);
        using var cam = GradCam.Compute(model, x);
        model.eval();
        using var logits = model.call(x);
        Assert.Equal((int)logits.argmax().item<long>(), cam.TargetClass);
        Assert.Equal(new long[] { 32, 32 }, cam.Heatmap.shape);
        Assert.InRange(cam.Heatmap.min().item<float>(), 0f, 1f);
        Assert.Throws<LeanNetsUsageException>(() => GradCam.Compute(model, x, targetClass: 10));
        Assert.Throws<LeanNetsUsageException>(() => GradCam.Compute(model, x, stage: 4));
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("relu6")]
    [InlineData("leaky")]
    public void GuidedBackpropOfASingleActivationNetIsTheMaskedGradient(string kind)
    {
        nn.Module<Tensor, Tensor> activation = kind switch
        {
            "relu" => nn.ReLU(),
            "relu6" => nn.ReLU6(),
            _ => nn.LeakyReLU(0.1),
        };
        using var model = Tiny(activation, 3);
        using var x = randn(1, 3, 4, 4) * 3;
        var (gradient, target) = GuidedBackprop.Compute(model, x, targetClass: 0);
        using var _ = gradient;

        // score = sum_k w_0k mean(act(x_k)): the gradient reaching the activation is w_0k / 16 per channel; the
        // guided rule keeps it where it is positive and the input is positive (ReLU6 also cuts above 6).
        using var w = model.Head.Fc.weight![0].view(3, 1, 1) / 16;
        var mask = x[0].gt(0);
        if (kind == "relu6") mask = mask.logical_and(x[0].lt(6));
        using var expected = w.clamp_min(0) * mask;
        Assert.Equal(0, target);
        Assert.True(gradient.allclose(expected, rtol: 1e-5, atol: 1e-7));

        // The hooks are gone: the plain gradient afterwards has the negative weights back.
        using var input = x.clone().requires_grad_(true);
        model.call(input)[0, 0].backward();
        Assert.True(input.grad!.lt(0).any().item<bool>() || w.ge(0).all().item<bool>());
    }

    [Fact]
    public void GuidedGradCamIsTheirProductOnEveryFamily()
    {
        foreach (var name in new[] { "vgnetg_1_0mp_cifar", "mobilenetv2_cifar", "vgg16_cifar_dualconv_g4" })
        {
            using var model = ModelRegistry.Create(name, numClasses: 10);
            using var x = randn(1, 3, 32, 32);
            using var product = GuidedBackprop.GuidedGradCam(model, x, targetClass: 3);
            var (gradient, _) = GuidedBackprop.Compute(model, x, targetClass: 3);
            using var cam = GradCam.Compute(model, x, targetClass: 3);
            using var expected = gradient * cam.Heatmap;
            Assert.True(product.allclose(expected, rtol: 1e-4, atol: 1e-7), name);
            Assert.Equal(new long[] { 3, 32, 32 }, product.shape);
            gradient.Dispose();
        }
    }
}
