using LeanNets.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>A convolution-like module (linear in its input, per output channel) that can take over a
/// per-channel affine map applied to its output.</summary>
public interface IAbsorbsChannelAffine
{
    /// <returns>false when it cannot (e.g. kernels shared across channels).</returns>
    bool Absorb(ChannelAffine affine);
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

    /// <summary>Merges an eval-mode batch norm into the convolution before it (<see cref="ChannelAffine"/>) and
    /// leaves the norm an identity (weight 1, bias 0, mean 0, variance 1 - eps), so a state dict saved afterwards
    /// still describes the folded model; the block then skips it.</summary>
    /// <returns>false (nothing changed) when the norm is not an eval-mode BatchNorm2d or the convolution
    /// cannot absorb it.</returns>
    public static bool Merge(nn.Module convolution, nn.Module norm)
    {
        if (norm is not BatchNorm { IsSpatial: true } bn || bn.training)
            return false;
        var affine = ChannelAffine.OfNorm(
            Floats(bn.weight!), Floats(bn.bias!), Floats(bn.running_mean!), Floats(bn.running_var!), bn.eps);
        if (!Absorb(convolution, affine))
            return false;
        // Owned scalars: a temporary one can be finalised while libtorch reads it (seen here under GC pressure).
        using var noGrad = no_grad();
        using var one = 1.0.ToScalar();
        using var variance = (1 - bn.eps).ToScalar();
        bn.weight!.fill_(one);
        bn.bias!.zero_();
        bn.running_mean!.zero_();
        bn.running_var!.fill_(variance);
        return true;
    }

    /// <summary>Makes a convolution's output the affine map of what it was, through its weights and bias (a bias
    /// is added when there is a shift and it had none).</summary>
    public static bool Absorb(nn.Module convolution, ChannelAffine affine)
    {
        switch (convolution)
        {
            case IAbsorbsChannelAffine own:
                return own.Absorb(affine);
            case Conv2d conv:
                using (no_grad())
                {
                    var weight = Floats(conv.weight!);
                    var bias = affine.Absorb(weight, conv.bias is Parameter old ? Floats(old) : null);
                    // The flat tensor is held until the copy is done: a temporary that nothing references can be
                    // finalised while libtorch makes the view of it (a segfault in THSTensor_view seen in CI).
                    using (var flat = tensor(weight))
                    using (var folded = flat.view(conv.weight!.shape))
                        conv.weight!.copy_(folded);
                    if (bias == null)
                        return true;
                    if (conv.bias is Parameter existing)
                    {
                        using var values = tensor(bias);
                        existing.copy_(values);
                    }
                    else
                        conv.bias = new Parameter(tensor(bias, device: conv.weight!.device), requires_grad: false);
                }
                return true;
            default:
                return false;
        }
    }

    private static float[] Floats(Tensor t)
    {
        using var values = t.detach().cpu().to(ScalarType.Float32);
        return values.data<float>().ToArray();
    }
}
