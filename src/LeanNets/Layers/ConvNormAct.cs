using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// A convolution followed by batch norm and an activation. Most networks order them conv-BN-act;
/// VGNet puts BN after the activation (the constructor's <c>normAfterActivation</c>).
/// </summary>
public sealed class ConvNormAct : nn.Module<Tensor, Tensor>, IOnnxExportable, IFoldsNorms
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly nn.Module<Tensor, Tensor> bn;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly bool normAfterActivation;
    private bool normFolded;

    public ConvNormAct(
        long inChannels,
        long outChannels,
        long kernelSize = 3,
        long stride = 1,
        long groups = 1,
        ActivationKind activation = ActivationKind.ReLU,
        bool normAfterActivation = false,
        bool bias = false,
        bool norm = true
    )
        : this(
            Conv(inChannels, outChannels, kernelSize, stride, groups, bias),
            outChannels,
            activation,
            normAfterActivation,
            norm
        )
    { }

    /// <summary>Wraps any convolution-like module (DualConv, HetConv, a fixed filter) with norm and
    /// activation.</summary>
    public ConvNormAct(
        nn.Module<Tensor, Tensor> convolution,
        long outChannels,
        ActivationKind activation = ActivationKind.ReLU,
        bool normAfterActivation = false,
        bool norm = true
    )
        : base(nameof(ConvNormAct))
    {
        conv = convolution;
        bn = norm ? BatchNorm.Over2d(outChannels) : nn.Identity();
        act = Activation.Create(activation);
        this.normAfterActivation = normAfterActivation;
        RegisterComponents();
    }

    public nn.Module<Tensor, Tensor> Convolution => conv;

    public static nn.Module<Tensor, Tensor> Conv(
        long inChannels,
        long outChannels,
        long kernelSize,
        long stride = 1,
        long groups = 1,
        bool bias = false
    )
    {
        Channels.RequireDivisible(inChannels, groups, "conv input");
        Channels.RequireDivisible(outChannels, groups, "conv output");
        return kernelSize == 1 && stride > 1
            ? new StridedPointwiseConv(inChannels, outChannels, stride, groups, bias)
            : nn.Conv2d(
                inChannels,
                outChannels,
                kernelSize,
                stride: stride,
                padding: (kernelSize - 1) / 2,
                groups: groups,
                bias: bias
            );
    }

    /// <summary>Merges an eval-mode BN that follows the convolution into it (<see cref="NormFolding"/>); the BN is
    /// skipped from then on.</summary>
    public int FoldNorms()
    {
        if (normFolded || normAfterActivation || !NormFolding.Merge(conv, bn))
            return 0;
        normFolded = true;
        return 1;
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var y = graph.Emit(conv, input);
        if (normFolded)
            return graph.Emit(act, y);
        return normAfterActivation ? graph.Emit(bn, graph.Emit(act, y)) : graph.Emit(act, graph.Emit(bn, y));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var y = conv.call(input);
        y = normFolded ? act.call(y)
            : normAfterActivation ? bn.call(act.call(y))
            : act.call(bn.call(y));
        return y.MoveToOuterDisposeScope();
    }
}
