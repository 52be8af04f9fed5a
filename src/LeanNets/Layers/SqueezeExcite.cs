using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>Squeeze-and-excitation: global pool, 1x1 reduce, activation, 1x1 expand, gate, rescale.</summary>
public sealed class SqueezeExcite : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> fc1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> fc2;
    private readonly nn.Module<Tensor, Tensor> gate;

    public SqueezeExcite(
        long channels,
        long squeezeChannels,
        ActivationKind activation = ActivationKind.ReLU,
        ActivationKind gateKind = ActivationKind.Sigmoid
    )
        : base(nameof(SqueezeExcite))
    {
        fc1 = nn.Conv2d(channels, squeezeChannels, 1);
        act = Activation.Create(activation);
        fc2 = nn.Conv2d(squeezeChannels, channels, 1);
        gate = Activation.Create(gateKind);
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var s = graph.Node("GlobalAveragePool", [input]);
        s = graph.Emit(gate, graph.Emit(fc2, graph.Emit(act, graph.Emit(fc1, s))));
        return graph.Node("Mul", [input, s]);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var s = nn.functional.adaptive_avg_pool2d(input, 1);
        s = gate.call(fc2.call(act.call(fc1.call(s))));
        return (input * s).MoveToOuterDisposeScope();
    }
}
