using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// CNTK's "same" zero padding for a strided layer: enough for an output of ceil(size / stride), the odd pixel
/// going before the image rather than after (a 3x3 stride-2 layer on an even size: 1 before, 0 after; the 7x7
/// stride-2 stem on 224: 3 and 2). A convolution's symmetric padding cannot say that, and a network exported by
/// CNTK keeps it, so LeanNets pads explicitly and convolves or pools with no padding of its own. The amounts
/// follow the input size, as CNTK's do (an odd size gets the same on both sides). Written to ONNX as Pad with the
/// amounts of the export size; the PyTorch twin computes them the same way.
/// </summary>
public sealed class AsymmetricZeroPad : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly long kernel,
        stride;

    public AsymmetricZeroPad(long kernel, long stride)
        : base(nameof(AsymmetricZeroPad))
    {
        this.kernel = kernel;
        this.stride = stride;
    }

    /// <summary>Rows or columns before and after an axis of <paramref name="size"/>.</summary>
    public (long Before, long After) Amounts(long size)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return ((total + 1) / 2, total / 2);
    }

    public override Tensor forward(Tensor input)
    {
        var (top, bottom) = Amounts(input.shape[2]);
        var (left, right) = Amounts(input.shape[3]);
        return nn.functional.pad(input, [left, right, top, bottom]);
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var shape = graph.InputShape(this);
        var (top, bottom) = Amounts(shape[2]);
        var (left, right) = Amounts(shape[3]);
        return graph.Node("Pad", [input, graph.Int64s("pads", 0, 0, top, left, 0, 0, bottom, right)]);
    }
}
