using LeanNets.Layers;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>1x1 reduce, 3x3 (any <see cref="ConvKind"/>), 1x1 expand, each with BN; ReLU after the residual
/// sum.</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>, IOnnxExportable, IFoldsNorms
{
    public const long Expansion = 4;
    private readonly nn.Module<Tensor, Tensor> conv1,
        conv2,
        conv3,
        relu;

    // Not readonly: folding points them at an identity (the registered norms stay, as identities).
    private nn.Module<Tensor, Tensor> bn1,
        bn2,
        bn3,
        downsample;

    public Bottleneck(long inplanes, long width, long stride, ConvKind kind)
        : base(nameof(Bottleneck))
    {
        long outplanes = width * Expansion;
        conv1 = nn.Conv2d(inplanes, width, 1, bias: false);
        bn1 = BatchNorm.Over2d(width);
        conv2 = kind.Create3x3(width, width, stride);
        bn2 = BatchNorm.Over2d(width);
        conv3 = nn.Conv2d(width, outplanes, 1, bias: false);
        bn3 = BatchNorm.Over2d(outplanes);
        relu = nn.ReLU(inplace: true);
        downsample = ResidualParts.Shortcut(inplanes, outplanes, stride);
        RegisterComponents();
    }

    public int FoldNorms()
    {
        int folded = 0;
        bn1 = ResidualParts.Fold(conv1, bn1, ref folded);
        bn2 = ResidualParts.Fold(conv2, bn2, ref folded);
        bn3 = ResidualParts.Fold(conv3, bn3, ref folded);
        downsample = ResidualParts.FoldShortcut(downsample, ref folded);
        return folded;
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var y = graph.Emit(relu, graph.Emit(bn1, graph.Emit(conv1, input)));
        y = graph.Emit(relu, graph.Emit(bn2, graph.Emit(conv2, y)));
        y = graph.Emit(bn3, graph.Emit(conv3, y));
        return graph.Emit(relu, graph.Add(y, graph.Emit(downsample, input)));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var y = relu.call(bn1.call(conv1.call(input)));
        y = relu.call(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        y = y.PlusInPlace(downsample.call(input));
        return relu.call(y).MoveToOuterDisposeScope();
    }
}
