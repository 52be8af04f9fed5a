using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Runtime;

/// <summary>
/// Native scalars that live as long as the process. TorchSharp turns a C# number passed to a tensor operation
/// (and the implicit alpha 1 of <c>a + b</c>) into a temporary native scalar that nothing keeps alive during the
/// call; under garbage-collection pressure its finalizer can free it while libtorch reads it, and the operation
/// fails ("Expected false to be true" in Scalar::toFloat) or crashes. Hot paths (residual additions, the
/// optimizer, the detection loss) pass these instead; code that runs once owns its own with <c>using</c>. The
/// build enforces it: src/BannedSymbols.txt bans every TorchSharp call that makes such a temporary (implicit
/// conversions, number operators, the alpha-less additions, TorchSharp's BatchNorm) in product code.
/// </summary>
public static class OwnedScalars
{
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>A + b, with the alpha held here rather than in a temporary.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>In-place a += b, with the alpha held here rather than in a temporary.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);
}
