using LeanNets.Layers;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>
/// GhostNet's ghost module: a 1x1 conv makes half the output ("intrinsic" maps), a cheap 3x3 depthwise
/// conv makes the other half from them ("ghost" maps).
/// </summary>
public sealed class GhostModule : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> primary;
    private readonly nn.Module<Tensor, Tensor> cheap;
    private readonly long outChannels;

    public GhostModule(long inChannels, long outChannels, bool relu)
        : base(nameof(GhostModule))
    {
        long intrinsic = (outChannels + 1) / 2;
        var act = relu ? ActivationKind.ReLU : ActivationKind.None;
        primary = new ConvNormAct(inChannels, intrinsic, 1, activation: act);
        cheap = new ConvNormAct(intrinsic, intrinsic, 3, 1, intrinsic, act);
        this.outChannels = outChannels;
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var x1 = graph.Emit(primary, input);
        return graph.Channels(graph.Concat(x1, graph.Emit(cheap, x1)), 0, outChannels);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x1 = primary.call(input);
        var joined = cat([x1, cheap.call(x1)], 1);
        return joined.narrow(1, 0, outChannels).MoveToOuterDisposeScope();
    }
}

/// <summary>GhostNet bottleneck: ghost module, optional strided depthwise conv and SE, linear ghost module,
/// shortcut.</summary>
public sealed class GhostBottleneck : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly nn.Module<Tensor, Tensor> shortcut;

    public GhostBottleneck(
        long inChannels,
        long midChannels,
        long outChannels,
        long kernel,
        long stride,
        double seRatio
    )
        : base(nameof(GhostBottleneck))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("ghost1", new GhostModule(inChannels, midChannels, relu: true)),
        };
        if (stride > 1)
            layers.Add(
                (
                    "depthwise",
                    new ConvNormAct(midChannels, midChannels, kernel, stride, midChannels, ActivationKind.None)
                )
            );
        if (seRatio > 0)
            layers.Add(
                (
                    "se",
                    new SqueezeExcite(
                        midChannels,
                        Channels.MakeDivisible(midChannels * seRatio, 4),
                        ActivationKind.ReLU,
                        ActivationKind.HardSigmoid
                    )
                )
            );
        layers.Add(("ghost2", new GhostModule(midChannels, outChannels, relu: false)));
        body = nn.Sequential(layers);
        shortcut =
            inChannels == outChannels && stride == 1
                ? nn.Identity()
                : nn.Sequential(
                    (
                        "depthwise",
                        new ConvNormAct(inChannels, inChannels, kernel, stride, inChannels, ActivationKind.None)
                    ),
                    ("pointwise", new ConvNormAct(inChannels, outChannels, 1, activation: ActivationKind.None))
                );
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Add(graph.Emit(body, input), graph.Emit(shortcut, input));

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return body.call(input).PlusInPlace(shortcut.call(input)).MoveToOuterDisposeScope();
    }
}
