using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// MobileNetV2/V3 inverted residual: optional 1x1 expansion, kxk depthwise conv, optional SE, linear
/// 1x1 projection; a residual connection when the shape is kept.
/// </summary>
public sealed class InvertedResidual : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> block;
    private readonly bool residual;

    /// <param name="seChannels">squeeze width of the SE after the depthwise conv; null for none.</param>
    /// <param name="bias">biases on every conv (the CIFAR MobileNetV2 the DualConv paper counts has them).</param>
    /// <param name="alwaysExpand">keep the 1x1 expansion even at expansion 1 (that CIFAR network does).</param>
    public InvertedResidual(
        long inChannels,
        long hiddenChannels,
        long outChannels,
        long kernelSize,
        long stride,
        ActivationKind activation,
        long? seChannels = null,
        bool bias = false,
        bool alwaysExpand = false
    )
        : base(nameof(InvertedResidual))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (hiddenChannels != inChannels || alwaysExpand)
            layers.Add(("expand", new ConvNormAct(inChannels, hiddenChannels, 1, activation: activation, bias: bias)));
        layers.Add(
            (
                "depthwise",
                new ConvNormAct(
                    hiddenChannels,
                    hiddenChannels,
                    kernelSize,
                    stride,
                    hiddenChannels,
                    activation,
                    bias: bias
                )
            )
        );
        if (seChannels is long squeeze)
            layers.Add(
                ("se", new SqueezeExcite(hiddenChannels, squeeze, ActivationKind.ReLU, ActivationKind.HardSigmoid))
            );
        layers.Add(
            ("project", new ConvNormAct(hiddenChannels, outChannels, 1, activation: ActivationKind.None, bias: bias))
        );
        block = nn.Sequential(layers);
        residual = stride == 1 && inChannels == outChannels;
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var y = graph.Emit(block, input);
        return residual ? graph.Add(y, input) : y;
    }

    public override Tensor forward(Tensor input)
    {
        if (!residual)
            return block.call(input);
        using var y = block.call(input);
        return y.Plus(input);
    }
}
