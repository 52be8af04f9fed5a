using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>
/// VGNet's half-identity block on a channel pair [a, b] (C/2 each): b passes on unchanged as the new left
/// half; the new right half is a pointwise block (C -> C/2) over [a, depthwise(b)].
/// </summary>
public sealed class HalfIdentityBlock : nn.Module<(Tensor Left, Tensor Right), (Tensor Left, Tensor Right)>
{
    private readonly nn.Module<Tensor, Tensor> depthwise;
    private readonly nn.Module<Tensor, Tensor> pointwise;

    public HalfIdentityBlock(long channels, DepthwiseKernels kernels, ActivationKind activation, bool squeezeExcite)
        : base(nameof(HalfIdentityBlock))
    {
        if (channels % 2 != 0)
            throw new ArgumentException($"HalfIdentityBlock: channels must be even, got {channels}");
        depthwise = VGNetDepthwise.Create(channels / 2, kernels, 1);
        pointwise = new PointwiseBlock(channels, channels / 2, activation, squeezeExcite);
        RegisterComponents();
    }

    /// <summary>The ONNX nodes of <see cref="forward"/> on a pair of value names.</summary>
    internal (string Left, string Right) ExportOnnx(Onnx.OnnxGraph graph, (string Left, string Right) input)
    {
        var mixed = graph.Concat(input.Left, graph.Emit(depthwise, input.Right));
        return (input.Right, graph.Emit(pointwise, mixed));
    }

    public override (Tensor Left, Tensor Right) forward((Tensor Left, Tensor Right) input)
    {
        using var scope = NewDisposeScope();
        var mixed = cat([input.Left, depthwise.call(input.Right)], 1);
        var generated = pointwise.call(mixed).MoveToOuterDisposeScope();
        return (input.Right, generated);
    }
}
