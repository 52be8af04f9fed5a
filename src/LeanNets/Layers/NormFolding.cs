using LeanNets.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>A convolution-like module (linear in its input, per output channel) that can take over a
/// per-channel affine map applied to its output: y * scale + shift.</summary>
public interface IAbsorbsChannelAffine
{
    /// <returns>false when it cannot (e.g. kernels shared across channels).</returns>
    bool Absorb(Tensor scale, Tensor? shift);
}

/// <summary>A block with convolutions followed by batch norms it can merge (<see cref="NormFolding"/>).</summary>
public interface IFoldsNorms
{
    /// <returns>how many batch norms it folded (0 when already folded or not foldable).</returns>
    int FoldNorms();
}

/// <summary>
/// Eval-mode batch-norm folding for the eager engine: each BN that directly follows a convolution in a block
/// (<see cref="IFoldsNorms"/>: <see cref="ConvNormAct"/>, ResNet's bottleneck) is merged into the convolution's
/// weights and bias, so inference runs one op instead of two (what ONNX export does for its graphs). The model is
/// changed in place and stays equivalent in eval mode; it is meant for inference, not for further training (the
/// folded BN no longer normalises). Not folded: norms after an activation (VGNet's order: folding them into the
/// next convolution is inexact at zero-padded borders), HetConv's, and norms inside plain Sequentials (ResNet's
/// torchvision-named stem).
/// </summary>
public static class NormFolding
{
    /// <summary>Folds every foldable BN of <paramref name="model"/>; puts it in eval mode.</summary>
    /// <returns>how many BNs were folded, and how many batch norms the model has in all.</returns>
    public static (int Folded, int Total) Fold(nn.Module model)
    {
        model.eval();
        int folded = model.modules().OfType<IFoldsNorms>().Sum(block => block.FoldNorms());
        int total = model.modules().OfType<BatchNorm>().Count(bn => bn.IsSpatial);
        return (folded, total);
    }

    /// <summary>Merges an eval-mode batch norm into the convolution before it and leaves the norm an identity
    /// (weight 1, bias 0, mean 0, variance 1 - eps), so a state dict saved afterwards still describes the
    /// folded model; the block then skips it.</summary>
    /// <returns>false (nothing changed) when the norm is not an eval-mode BatchNorm2d or the convolution
    /// cannot absorb it.</returns>
    public static bool Merge(nn.Module convolution, nn.Module norm)
    {
        if (norm is not BatchNorm { IsSpatial: true } bn || bn.training)
            return false;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double eps = bn.eps;
        using var epsilon = eps.ToScalar();
        var scale = bn.weight!.div(bn.running_var!.add(epsilon, OwnedScalars.One).sqrt());
        var shift = bn.bias! - bn.running_mean! * scale;
        if (!Absorb(convolution, scale, shift))
            return false;
        // Owned scalars: a temporary one can be finalised while libtorch reads it (seen here under GC pressure).
        using var one = 1.0.ToScalar();
        using var variance = (1 - eps).ToScalar();
        bn.weight!.fill_(one);
        bn.bias!.zero_();
        bn.running_mean!.zero_();
        bn.running_var!.fill_(variance);
        return true;
    }

    /// <summary>Multiplies a convolution's output channels by <paramref name="scale"/> and adds
    /// <paramref name="shift"/> (when given) through its weights and bias.</summary>
    public static bool Absorb(nn.Module convolution, Tensor scale, Tensor? shift)
    {
        switch (convolution)
        {
            case IAbsorbsChannelAffine own:
                return own.Absorb(scale, shift);
            case Conv2d conv:
                using (no_grad())
                {
                    conv.weight!.mul_(scale.view(-1, 1, 1, 1));
                    if (conv.bias is Parameter bias)
                    {
                        bias.mul_(scale);
                        if (shift is not null)
                            bias.PlusInPlace(shift);
                    }
                    else if (shift is not null)
                        conv.bias = new Parameter(shift.detach().clone(), requires_grad: false);
                }
                return true;
            default:
                return false;
        }
    }
}
