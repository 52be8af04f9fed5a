using LeanNets.Layers;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>
/// DualConv (Zhong et al.): a 3x3 group convolution with G groups and a 1x1 convolution read the same
/// input and their outputs are summed. Every output channel thus sees M/G channels through 3x3 kernels
/// and all M channels through 1x1 kernels; MACs are (1/G + 1/9) of a standard 3x3 convolution.
/// </summary>
public sealed class DualConv : nn.Module<Tensor, Tensor>, IOnnxExportable, IAbsorbsChannelAffine
{
    private readonly nn.Module<Tensor, Tensor> gc;
    private readonly nn.Module<Tensor, Tensor> pwc;

    public DualConv(long inChannels, long outChannels, long stride, long groups)
        : base(nameof(DualConv))
    {
        Channels.RequireDivisible(inChannels, groups, "DualConv input");
        Channels.RequireDivisible(outChannels, groups, "DualConv output");
        gc = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, groups: groups, bias: false);
        pwc = ConvNormAct.Conv(inChannels, outChannels, 1, stride);
        Groups = groups;
        RegisterComponents();
    }

    public long Groups { get; }

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Add(graph.Emit(gc, input), graph.Emit(pwc, input));

    /// <summary>Both branches are scaled; the shift goes to one of them (they are summed).</summary>
    public bool Absorb(ChannelAffine affine) =>
        NormFolding.Absorb(gc, affine) && NormFolding.Absorb(pwc, affine.WithoutShift);

    public override Tensor forward(Tensor input)
    {
        using var pointwise = pwc.call(input);
        return gc.call(input).PlusInPlace(pointwise);
    }
}
