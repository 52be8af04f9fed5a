using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>Zero padding that may differ per side. CNTK's "same" padding of a strided layer puts the odd pixel
/// at the start only (e.g. 1 before, 0 after), which a convolution's symmetric padding cannot say; a network
/// exported by CNTK keeps that, so LeanNets pads explicitly and convolves or pools with no padding of its own.
/// Written to ONNX as Pad; the PyTorch twin uses nn.ZeroPad2d with the same four numbers.</summary>
public sealed class AsymmetricZeroPad : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly long[] padding;

    /// <param name="left">columns added before the first</param>
    /// <param name="right">columns added after the last</param>
    /// <param name="top">rows added before the first</param>
    /// <param name="bottom">rows added after the last</param>
    public AsymmetricZeroPad(long left, long right, long top, long bottom)
        : base(nameof(AsymmetricZeroPad))
    {
        padding = [left, right, top, bottom];
    }

    /// <summary>A strided layer's padding in CNTK's style: <paramref name="before"/> rows and columns at the start
    /// and one fewer at the end.</summary>
    public static AsymmetricZeroPad StartHeavy(long before) => new(before, before - 1, before, before - 1);

    public override Tensor forward(Tensor input) => nn.functional.pad(input, padding);

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Node(
            "Pad",
            [input, graph.Int64s("pads", 0, 0, padding[2], padding[0], 0, 0, padding[3], padding[1])]
        );
}
