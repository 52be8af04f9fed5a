using Google.Protobuf;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Layers;
using LeanNets.Models;
using LeanNets.Tests.Export;
using static TorchSharp.torch;

namespace LeanNets.Tests.Layers;

public class NormFoldingTests
{
    /// <summary>A folded model (ConvNormAct, DualConv and bottleneck norms merged) still exports: its ONNX graph
    /// has no norm left for the merged ones and ONNX Runtime gives the unfolded model's outputs.</summary>
    [Fact]
    public void AFoldedModelExportsAndMatchesTheOriginal()
    {
        using var model = ModelRegistry.Create("resnet50_cifar_dualconv_g4");
        OnnxExportTests.Randomise(model);
        model.eval();
        manual_seed(1);
        using var x = randn(2, 3, 32, 32);
        float[] before;
        using (no_grad())
            before = model.call(x).data<float>().ToArray();

        var (folded, total) = NormFolding.Fold(model);
        Assert.Equal(53, total);
        Assert.Equal(52, folded); // the stem's norm sits in torchvision's named Sequential and is left

        var proto = OnnxExporter.Export(model, new OnnxExportOptions(32, 3, FoldBatchNorm: false));
        Assert.Single(proto.Graph.Node, n => n.OpType == "BatchNormalization");
        using var session = new OnnxRuntimeSession(proto.ToByteArray(), threads: 1);
        var after = session.Logits(x.data<float>().ToArray(), [2, 3, 32, 32]);
        double scale = Math.Max(1, before.Max(Math.Abs));
        Assert.True(before.Zip(after, (a, b) => Math.Abs(a - b)).Max() <= 1e-4 * scale);
    }
}
