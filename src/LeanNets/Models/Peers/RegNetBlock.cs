using LeanNets.Layers;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>
/// RegNet's residual bottleneck (X block; Y adds SE): 1x1, grouped 3x3 with fixed group width, optional SE,
/// 1x1 without activation, projection shortcut when the shape changes, ReLU after the sum.
/// </summary>
public sealed class RegNetBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly nn.Module<Tensor, Tensor> shortcut;
    private readonly nn.Module<Tensor, Tensor> relu;

    public RegNetBlock(long inChannels, long outChannels, long stride, long groupWidth, double seRatio)
        : base(nameof(RegNetBlock))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("a", new ConvNormAct(inChannels, outChannels, 1)),
            ("b", new ConvNormAct(outChannels, outChannels, 3, stride, outChannels / groupWidth)),
        };
        if (seRatio > 0)
            layers.Add(("se", new SqueezeExcite(outChannels, (long)Math.Round(seRatio * inChannels))));
        layers.Add(("c", new ConvNormAct(outChannels, outChannels, 1, activation: ActivationKind.None)));
        body = nn.Sequential(layers);
        shortcut =
            inChannels != outChannels || stride != 1
                ? new ConvNormAct(inChannels, outChannels, 1, stride, activation: ActivationKind.None)
                : nn.Identity();
        relu = nn.ReLU(inplace: true);
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Emit(relu, graph.Add(graph.Emit(body, input), graph.Emit(shortcut, input)));

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return relu.call(body.call(input).PlusInPlace(shortcut.call(input))).MoveToOuterDisposeScope();
    }
}
