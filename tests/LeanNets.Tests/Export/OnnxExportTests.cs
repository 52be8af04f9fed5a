using Google.Protobuf;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Layers;
using LeanNets.Models;
using LeanNets.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Export;

public class OnnxExportTests
{
    public static TheoryData<string> Registry() => new(ModelRegistry.List().Select(s => s.Name));

    /// <summary>Small inputs: 32 pixels for the plain stacks (VGG), 64 for the rest.</summary>
    internal static int TestSize(ModelSpec spec) =>
        Math.Min(spec.Family == ModelFamily.Vgg ? 32 : 64, spec.DefaultInput.Height);

    /// <summary>Every registry model, exported with BN folded and run by ONNX Runtime, gives TorchSharp's eval
    /// outputs within 1e-4 (batch 2, trained-like BN statistics so folding is not trivially the identity); the
    /// eager model with its batch norms folded (<see cref="NormFolding"/>) gives them within 1e-5.</summary>
    [Theory]
    [MemberData(nameof(Registry))]
    public void OnnxRuntimeMatchesTorchSharp(string name)
    {
        var spec = ModelRegistry.Get(name);
        int size = TestSize(spec),
            channels = spec.DefaultInput.Channels;
        using var model = spec.Create();
        Randomise(model);
        model.eval();
        manual_seed(3);
        using var x = randn(2, channels, size, size);
        using var expected = Eval(model, x);
        var proto = OnnxExporter.Export(model, new OnnxExportOptions(size, channels));
        var convOutputs = proto.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Output[0]).ToHashSet();
        Assert.DoesNotContain(
            proto.Graph.Node,
            n => n.OpType == "BatchNormalization" && convOutputs.Contains(n.Input[0])
        );
        using var session = new OnnxRuntimeSession(proto.ToByteArray(), threads: 1);
        var actual = session.Logits(x.data<float>().ToArray(), [2, channels, size, size]);
        var reference = expected.data<float>().ToArray();
        Assert.Equal(reference.Length, actual.Length);
        double scale = Math.Max(1, reference.Max(Math.Abs));
        double worst = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4 * scale, $"{name}: max |difference| {worst:G3} (outputs up to {scale:G3})");

        var (folded, norms) = NormFolding.Fold(model);
        using var eager = Eval(model, x);
        double foldError = reference.Zip(eager.data<float>().ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(foldError <= 1e-5 * scale, $"{name}: folded {folded}/{norms} norms, max |difference| "
            + $"{foldError:G3} (outputs up to {scale:G3})");
        Assert.Equal(0, NormFolding.Fold(model).Folded);
    }

    /// <summary>One detector per conv kind and width path of the one YOLO-V3 builder: standard and DualConv at
    /// x0.25, and a full-width DualConv (the full-width standard body runs 15 s here; its layers are covered).
    /// </summary>
    public static TheoryData<string> Detectors() => new("yolov3_w25", "yolov3_w25_dualconv_g4", "yolov3_dualconv_g32",
        "yolov3_on_vgnetg_1_0mp");

    /// <summary>A detector's body (raw predictions for the decoder), exported and run by ONNX
    /// Runtime, gives TorchSharp's predictions within 1e-4: the nearest x2 upsampling (Resize), the route
    /// concatenations and the per-scale reshapes included. 3 classes, 64x64, batch 2.</summary>
    [Theory]
    [MemberData(nameof(Detectors))]
    public void DetectorBodyMatchesTorchSharp(string name)
    {
        const int size = 64;
        using var model = DetectorRegistry.Get(name).Create(numClasses: 3);
        Randomise(model);
        model.eval();
        manual_seed(3);
        using var x = randn(2, 3, size, size);
        using var expected = Eval(model, x);
        var proto = OnnxExporter.Export(model, new OnnxExportOptions(size, 3));
        Assert.Equal(OnnxExporter.DetectorOutputName, proto.Graph.Output.Single().Name);
        Assert.Equal(2, proto.Graph.Node.Count(n => n.OpType == "Resize"));
        using var session = new OnnxRuntimeSession(proto.ToByteArray(), threads: 1);
        var actual = session.Logits(x.data<float>().ToArray(), [2, 3, size, size]);
        var reference = expected.data<float>().ToArray();
        Assert.Equal(reference.Length, actual.Length);
        double scale = Math.Max(1, reference.Max(Math.Abs));
        double worst = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4 * scale, $"{name}: max |difference| {worst:G3} (outputs up to {scale:G3})");
    }

    private static Tensor Eval(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var _ = no_grad();
        return model.call(x);
    }

    /// <summary>BN statistics and affine terms away from their initial 0/1, as after training.</summary>
    /// <remarks>The dispose scope holds every temporary tensor until the copies are done, and the scalars are
    /// owned: a temporary that nothing references can be finalised while libtorch reads it (a segfault in
    /// <c>copy_</c> seen once in CI under two parallel test processes).</remarks>
    internal static void Randomise(nn.Module model)
    {
        manual_seed(5);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var tenth = 0.1.ToScalar();
        using var half = 0.5.ToScalar();
        foreach (var bn in model.modules().OfType<LeanNets.Layers.BatchNorm>())
        {
            bn.running_mean!.copy_(randn_like(bn.running_mean).mul_(tenth));
            bn.running_var!.copy_(rand_like(bn.running_var).add_(half, LeanNets.Runtime.OwnedScalars.One));
            bn.weight?.copy_(rand_like(bn.weight).add_(half, LeanNets.Runtime.OwnedScalars.One));
            bn.bias?.copy_(randn_like(bn.bias).mul_(tenth));
        }
    }
}
