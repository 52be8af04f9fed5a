using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Analysis.Features;

/// <summary>
/// For each channel of a layer: its best cosine similarity to any channel of the previous layer, and to any
/// other channel of its own layer (VGNet's Fig. 6 argument for the half-identity block: adjacent layers
/// repeat each other's maps).
/// </summary>
public sealed record MapSimilarity(string Layer, double[] BestToPrevious, double[] BestWithin)
{
    public const double Threshold = 0.9;

    public double FractionSimilarToPrevious(double threshold = Threshold) =>
        BestToPrevious.Length == 0 ? 0 : BestToPrevious.Count(v => v > threshold) / (double)BestToPrevious.Length;

    public double FractionSimilarWithin(double threshold = Threshold) =>
        BestWithin.Length == 0 ? 0 : BestWithin.Count(v => v > threshold) / (double)BestWithin.Length;
}

public static class FeatureSimilarity
{
    /// <summary>
    /// Similarities of consecutive feature maps of one image, each (1, C, H, W); a larger earlier map is
    /// average-pooled to the later one's size first. The first layer has no previous one (empty array).
    /// </summary>
    public static IReadOnlyList<MapSimilarity> Adjacent(IReadOnlyList<(string Name, Tensor Map)> maps)
    {
        var result = new List<MapSimilarity>();
        for (int k = 0; k < maps.Count; k++)
        {
            using var scope = NewDisposeScope();
            var current = Unit(maps[k].Map);
            double[] toPrevious = [];
            if (k > 0)
            {
                var previous = maps[k - 1].Map;
                if (previous.shape[2] != maps[k].Map.shape[2] || previous.shape[3] != maps[k].Map.shape[3])
                {
                    long[] size = [maps[k].Map.shape[2], maps[k].Map.shape[3]];
                    previous = nn.functional.adaptive_avg_pool2d(previous, size);
                }
                toPrevious = current.matmul(Unit(previous).t()).max(1).values.to(float64).data<double>().ToArray();
            }
            // A channel's similarity to itself (1) is excluded by pushing the diagonal down.
            using var three = 3.ToScalar();
            var within = current.matmul(current.t()) - eye(current.shape[0]).mul(three);
            var bestWithin = current.shape[0] < 2 ? [] : within.max(1).values.to(float64).data<double>().ToArray();
            result.Add(new MapSimilarity(maps[k].Name, toPrevious, bestWithin));
        }
        return result;
    }

    /// <summary>(C, H*W) with every row scaled to unit length (all-zero maps stay zero).</summary>
    private static Tensor Unit(Tensor map)
    {
        var rows = map.detach()[0].flatten(1).to(float32);
        using var tiny = 1e-12.ToScalar();
        return rows / rows.norm(1, keepdim: true).clamp_min(tiny);
    }
}
