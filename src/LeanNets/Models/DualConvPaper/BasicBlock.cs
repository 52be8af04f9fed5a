using LeanNets.Layers;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>ResNet-18/34's block: two 3x3 convolutions (any <see cref="ConvKind"/>; the first carries the stride),
/// each with BN, ReLU after the first and after the residual sum; a 1x1+BN projection when the shape changes.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>, IOnnxExportable, IFoldsNorms
{
    private readonly nn.Module<Tensor, Tensor> conv1,
        conv2,
        relu;

    // Not readonly: folding points them at an identity (the registered norms stay, as identities).
    private nn.Module<Tensor, Tensor> bn1,
        bn2,
        downsample;

    public BasicBlock(long inplanes, long planes, long stride, ConvKind firstKind, ConvKind secondKind)
        : base(nameof(BasicBlock))
    {
        conv1 = firstKind.Create3x3(inplanes, planes, stride);
        bn1 = BatchNorm.Over2d(planes);
        conv2 = secondKind.Create3x3(planes, planes, 1);
        bn2 = BatchNorm.Over2d(planes);
        relu = nn.ReLU(inplace: true);
        downsample = ResidualParts.Shortcut(inplanes, planes, stride);
        RegisterComponents();
    }

    public int FoldNorms()
    {
        int folded = 0;
        bn1 = ResidualParts.Fold(conv1, bn1, ref folded);
        bn2 = ResidualParts.Fold(conv2, bn2, ref folded);
        downsample = ResidualParts.FoldShortcut(downsample, ref folded);
        return folded;
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var y = graph.Emit(relu, graph.Emit(bn1, graph.Emit(conv1, input)));
        y = graph.Emit(bn2, graph.Emit(conv2, y));
        return graph.Emit(relu, graph.Add(y, graph.Emit(downsample, input)));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var y = relu.call(bn1.call(conv1.call(input)));
        y = bn2.call(conv2.call(y));
        y = y.PlusInPlace(downsample.call(input));
        return relu.call(y).MoveToOuterDisposeScope();
    }
}
