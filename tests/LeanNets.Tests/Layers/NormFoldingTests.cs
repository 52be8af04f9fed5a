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

    /// <summary>The one folding arithmetic both paths use, on a hand-computed case: gamma 2, variance 3, eps 1,
    /// mean 1, beta 0.5 give scale 1 and shift -0.5 (channel 0); gamma 3, variance 8, mean 2, beta 5 give scale 1
    /// and shift 3 (channel 1). Weights are scaled per output channel, the bias is scaled then shifted, and a conv
    /// with no bias gets none from a pure scaling.</summary>
    [Fact]
    public void TheAffineMapIsTheNormsAndIsAbsorbedPerChannel()
    {
        var affine = ChannelAffine.OfNorm([2, 3], [0.5f, 5], [1, 2], [3, 8], eps: 1);
        Assert.Equal([1f, 1f], affine.Scale);
        Assert.Equal([-0.5f, 3f], affine.Shift!);
        var doubled = new ChannelAffine([2, 0.5f], [1, -1]);
        float[] weight = [1, 2, 3, 4];
        var bias = doubled.Absorb(weight, [10, 20]);
        Assert.Equal([2f, 4f, 1.5f, 2f], weight);
        Assert.Equal([21f, 9f], bias!);
        Assert.Null(doubled.WithoutShift.Absorb([1, 1], null));
        Assert.Equal([1f, -1f], doubled.Absorb([1, 1], null)!);
    }
}
