using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>What ResNet's two block kinds (<see cref="BasicBlock"/>, <see cref="Bottleneck"/>) share: the
/// projection shortcut (torchvision's <c>downsample.0</c> conv and <c>downsample.1</c> norm) and folding a norm
/// into the convolution before it.</summary>
internal static class ResidualParts
{
    /// <summary>A 1x1 conv + BN when the block changes the shape, else the identity.</summary>
    public static nn.Module<Tensor, Tensor> Shortcut(long inplanes, long outplanes, long stride) =>
        stride != 1 || inplanes != outplanes
            ? nn.Sequential(("0", ConvNormAct.Conv(inplanes, outplanes, 1, stride)), ("1", BatchNorm.Over2d(outplanes)))
            : nn.Identity();

    /// <summary>The shortcut with its norm folded into its conv (counted), or unchanged.</summary>
    public static nn.Module<Tensor, Tensor> FoldShortcut(nn.Module<Tensor, Tensor> shortcut, ref int folded)
    {
        if (shortcut is not TorchSharp.Modules.Sequential { Count: 2 } pair
            || pair[0] is not nn.Module<Tensor, Tensor> conv
            || !NormFolding.Merge(conv, (nn.Module)pair[1]))
            return shortcut;
        folded++;
        return conv;
    }

    /// <summary>An identity in place of <paramref name="bn"/> once it is merged into <paramref name="conv"/>
    /// (counted), or the norm itself when it cannot be.</summary>
    public static nn.Module<Tensor, Tensor> Fold(nn.Module conv, nn.Module<Tensor, Tensor> bn, ref int folded)
    {
        if (!NormFolding.Merge(conv, bn))
            return bn;
        folded++;
        return nn.Identity();
    }
}
