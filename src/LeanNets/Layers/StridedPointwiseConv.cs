using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// A 1x1 convolution with stride s, computed as "take every s-th pixel, then a stride-1 1x1 conv"
/// (identical results, parameters and MACs). libtorch 2.10's CPU backward of a strided 1x1 conv
/// crashes with a divide error for wide layers (512 -> 1024 channels and up, batch >= 2, seen on
/// AVX-512 machines); the subsampled form avoids that kernel.
/// </summary>
public sealed class StridedPointwiseConv : nn.Module<Tensor, Tensor>, IOnnxExportable, IAbsorbsChannelAffine
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly long stride;

    public StridedPointwiseConv(long inChannels, long outChannels, long stride, long groups = 1, bool bias = false)
        : base(nameof(StridedPointwiseConv))
    {
        conv = nn.Conv2d(inChannels, outChannels, 1, groups: groups, bias: bias);
        this.stride = stride;
        RegisterComponents();
    }

    /// <summary>ONNX Runtime has no strided-backward problem: one strided 1x1 Conv.</summary>
    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var inner = (TorchSharp.Modules.Conv2d)conv;
        return graph.Conv(input, inner.weight!, inner.bias, stride, 0, inner.groups);
    }

    public bool Absorb(ChannelAffine affine) => NormFolding.Absorb(conv, affine);

    public override Tensor forward(Tensor input)
    {
        using var sampled = Subsample(input, stride);
        return conv.call(sampled);
    }

    /// <summary>Every <paramref name="stride"/>-th row and column: what a 1x1 kernel with that stride reads.</summary>
    public static Tensor Subsample(Tensor input, long stride) =>
        input[
            TensorIndex.Colon,
            TensorIndex.Colon,
            TensorIndex.Slice(null, null, stride),
            TensorIndex.Slice(null, null, stride)
        ];
}
