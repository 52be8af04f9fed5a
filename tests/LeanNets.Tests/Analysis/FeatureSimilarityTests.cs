using LeanNets.Analysis.Features;
using static TorchSharp.torch;

namespace LeanNets.Tests.Analysis;

public class FeatureSimilarityTests
{
    [Fact]
    public void CopiedMapsAreSimilarAndIndependentOnesAreNot()
    {
        manual_seed(3);
        using var first = randn(1, 8, 16, 16);
        // The next layer: the first 4 channels scaled copies of the previous layer's (as a half-identity block
        // passes half its input on), 4 new random ones; half the resolution.
        using var copied = nn.functional.avg_pool2d(first[.., ..4], 2) * 3;
        using var fresh = randn(1, 4, 8, 8);
        using var second = cat([copied, fresh], 1);

        var result = FeatureSimilarity.Adjacent([("a", first), ("b", second)]);

        Assert.Empty(result[0].BestToPrevious);
        Assert.Equal(8, result[1].BestToPrevious.Length);
        // Cosine of a channel and its scaled copy, in float32.
        Assert.All(result[1].BestToPrevious.Take(4), v => Near.Equal(1.0, v, 1e-5));
        Assert.All(result[1].BestToPrevious.Skip(4), v => Assert.True(v < 0.6, $"{v}"));
        Assert.Equal(0.5, result[1].FractionSimilarToPrevious());
        Assert.Equal(0, result[1].FractionSimilarWithin());
    }
}
