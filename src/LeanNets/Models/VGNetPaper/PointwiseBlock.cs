using LeanNets.Layers;
using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>VGNet's pointwise block: 1x1 conv (no bias), activation, then BN; optionally followed by SE.</summary>
public sealed class PointwiseBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> pw;
    private readonly nn.Module<Tensor, Tensor> se;

    public PointwiseBlock(long inChannels, long outChannels, ActivationKind activation, bool squeezeExcite = false)
        : base(nameof(PointwiseBlock))
    {
        pw = new ConvNormAct(inChannels, outChannels, 1, activation: activation, normAfterActivation: true);
        // VGNet's SE: a quarter of the channels, rounded to a multiple of 8; ReLU inside, sigmoid gate.
        se = squeezeExcite
            ? new SqueezeExcite(outChannels, Channels.MakeDivisible((int)(outChannels * 0.25), 8))
            : nn.Identity();
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input) => graph.Emit(se, graph.Emit(pw, input));

    public override Tensor forward(Tensor input)
    {
        using var y = pw.call(input);
        return se.call(y);
    }
}
