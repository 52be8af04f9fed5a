using LeanNets.Measures;
namespace LeanNets.Analysis.Kernels;

/// <summary>Which of VGNet's three guidelines a layer's kernels call for.</summary>
public enum AdviceKind
{
    /// <summary>Mostly Gaussian-like depthwise kernels: fix them as blurs (VGNetG's fixed kernels). Saves their
    /// parameters; the convolution still runs.</summary>
    FixAsBlur,

    /// <summary>Mostly identity-like depthwise kernels: pass those channels through (the half-identity block).
    /// Saves their parameters and multiply-accumulates.</summary>
    IdentityMapping,

    /// <summary>Mostly near-zero kernels: prune them. Saves their parameters and multiply-accumulates.</summary>
    Prune,
}

/// <param name="Share">the fraction of the layer's kernels of the type that triggered the advice.</param>
/// <param name="ParamsSaved">the layer's learnable parameters (from the profiler) times the share.</param>
/// <param name="MacsSaved">the layer's multiply-accumulates (from the profiler) times the share, when the change
/// removes computation; 0 for fixing kernels.</param>
public sealed record LayerAdvice(string Layer, AdviceKind Kind, double Share, long ParamsSaved, long MacsSaved);

/// <summary>
/// VGNet's design method as a tool: reads a measured kernel atlas and proposes, layer by layer, the changes
/// the paper's guidelines make, with what each would save counted by <see cref="ModelProfiler"/> at the model's
/// input. A layer qualifies when at least <see cref="MajorityShare"/> of its kernels share the type. Blur and
/// identity advice is for learned depthwise layers (where the paper applies it); pruning for any learned layer.
/// Already-fixed layers get none. Advice only: no model is changed.
/// </summary>
public static class DesignAdvice
{
    public const double MajorityShare = 0.5;

    public static IReadOnlyList<LayerAdvice> For(IReadOnlyList<LayerAtlas> atlas, ModelProfile profile)
    {
        var cost = profile
            .Layers.GroupBy(l => l.Name)
            .ToDictionary(g => g.Key, g => (Params: g.First().Params, Macs: g.Sum(l => l.Macs)));
        var advice = new List<LayerAdvice>();
        foreach (var layer in atlas.Where(l => l.Learned))
        {
            var (parameters, macs) = cost.GetValueOrDefault(layer.Name);
            LayerAdvice? Make(AdviceKind kind, KernelType type, bool removesCompute)
            {
                double share = layer.Fraction(type);
                return share < MajorityShare
                    ? null
                    : new LayerAdvice(
                        layer.Name,
                        kind,
                        share,
                        (long)Math.Round(share * parameters),
                        removesCompute ? (long)Math.Round(share * macs) : 0
                    );
            }
            var found = Make(AdviceKind.Prune, KernelType.NearZero, removesCompute: true);
            if (layer.Depthwise)
            {
                found ??= Make(AdviceKind.IdentityMapping, KernelType.IdentityLike, removesCompute: true);
                found ??= Make(AdviceKind.FixAsBlur, KernelType.GaussianLike, removesCompute: false);
            }
            if (found != null)
                advice.Add(found);
        }
        return advice;
    }
}
