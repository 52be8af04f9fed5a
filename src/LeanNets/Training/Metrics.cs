using static TorchSharp.torch;

namespace LeanNets.Training;

public static class Metrics
{
    /// <summary>How many rows have their label among the top-k scores, for each k.</summary>
    public static long[] CorrectTopK(Tensor logits, Tensor labels, params int[] ks)
    {
        using var scope = NewDisposeScope();
        int maxK = (int)Math.Min(ks.Max(), logits.shape[1]);
        var top = logits.topk(maxK, dim: 1).indexes;
        var hits = top.eq(labels.view(-1, 1));
        return ks.Select(k => hits.narrow(1, 0, Math.Min(k, maxK)).any(1).sum().item<long>()).ToArray();
    }
}

/// <summary>One epoch's results, as written to metrics.csv and metrics.jsonl.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double TrainTop1,
    double TestLoss,
    double TestTop1,
    double TestTop5,
    double Seconds,
    double TrainImagesPerSecond,
    double? EmaTop1 = null
);
