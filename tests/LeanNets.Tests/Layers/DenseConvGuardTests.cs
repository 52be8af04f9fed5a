using LeanNets.Layers;
using LeanNets.Models;
using LeanNets.Models.Detection;
using LeanNets.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LeanNets.Tests.Layers;

/// <summary>Convolutions that libtorch 2.10's oneDNN computes wrongly on AVX-512 CPUs (<see cref="DenseConvGuard"/>)
/// give float64's outputs once guarded, whatever the batch, and the guard leaves oneDNN as it found it.</summary>
public class DenseConvGuardTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(17, 3, 1, true)]
    [InlineData(24, 3, 1, true)]
    [InlineData(184, 3, 1, true)]
    [InlineData(184, 5, 1, true)]
    [InlineData(16, 3, 1, false)]
    [InlineData(192, 3, 1, false)]
    [InlineData(184, 1, 1, false)]
    [InlineData(184, 3, 2, false)]
    [InlineData(8, 3, 1, false)]
    public void TheRuleNamesTheMeasuredShapes(int inChannels, int kernel, int groups, bool affected)
    {
        using var conv = nn.Conv2d(inChannels, 2 * inChannels, kernel, groups: groups);
        Assert.Equal(affected, DenseConvGuard.IsAffected(conv));
    }

    [Theory]
    [InlineData(24, 2)]
    [InlineData(184, 2)]
    [InlineData(184, 8)]
    public void GuardedConvolutionsEqualFloat64(int inChannels, int batch)
    {
        Assert.True(LibTorchSettings.Available, "libtorch's switches are reachable on Linux");
        manual_seed(1);
        using var conv = nn.Conv2d(inChannels, 2 * inChannels, 3, padding: 1);
        using var x = randn(batch, inChannels, 6, 6);
        using var noGrad = no_grad();
        using var exact = nn.functional.conv2d(x.to(float64), conv.weight!.to(float64), conv.bias!.to(float64),
            padding: [1, 1]);
        double range = exact.abs().max().item<double>();
        using (var unguarded = conv.call(x))
            output.WriteLine($"unguarded: max |error| {Error(unguarded, exact):G3} of {range:G3} (CPU-dependent)");
        Assert.Equal(1, DenseConvGuard.Protect(conv));
        Assert.Equal(0, DenseConvGuard.Protect(conv));
        using var guarded = conv.call(x);
        double error = Error(guarded, exact);
        Assert.True(error <= 1e-5 * range, $"guarded: max |error| {error:G3} of {range:G3}");
        Assert.True(LibTorchSettings.SetMkldnn(true), "oneDNN is back on after the guarded call");
    }

    /// <summary>YOLO-V3's heads on VGNetG-1.0MP have 184-channel 3x3 convolutions: the detector guards them (and its
    /// ONNX parity test compares it with ONNX Runtime).</summary>
    [Fact]
    public void ModelsGuardTheirAffectedConvolutions()
    {
        using var detector = DetectorRegistry.Get("yolov3_on_vgnetg_1_0mp").Create(numClasses: 3);
        var affected = detector.modules().OfType<TorchSharp.Modules.Conv2d>().Count(DenseConvGuard.IsAffected);
        Assert.True(affected > 0);
        Assert.Equal(0, DenseConvGuard.Protect(detector));
        using var classifier = ModelRegistry.Create("resnet50_cifar");
        Assert.DoesNotContain(classifier.modules().OfType<TorchSharp.Modules.Conv2d>(), DenseConvGuard.IsAffected);
    }

    private static double Error(Tensor actual, Tensor exact)
    {
        using var difference = actual.to(float64) - exact;
        return difference.abs().max().item<double>();
    }
}
