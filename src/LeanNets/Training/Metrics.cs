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

/// <summary>One epoch's results, as written to metrics.csv and metrics.jsonl: the engine's figures (learning
/// rate, training loss, time) and the task's named ones (<see cref="Values"/>: training terms, then evaluation
/// figures), with the model's score and, when the run keeps an EMA, the average's.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    IReadOnlyDictionary<string, double> Values,
    double Score,
    double Seconds,
    double TrainImagesPerSecond,
    double? EmaScore = null
)
{
    /// <summary>The score that picks the best epoch: the EMA's when the run keeps one (its weights are the ones
    /// saved as best, as timm selects on the average when it has one), else the model's.</summary>
    public double Selection => EmaScore ?? Score;

    /// <summary>A task figure by name.</summary>
    public double this[string name] =>
        Values.TryGetValue(name, out var value)
            ? value
            : throw new LeanNetsException($"epoch {Epoch} records no '{name}'");

    /// <summary>Value equality: the same figures in the same order (records compare dictionaries by
    /// reference).</summary>
    public bool Equals(EpochMetrics? other) =>
        other is not null
        && (Epoch, LearningRate, TrainLoss, Score, Seconds, TrainImagesPerSecond, EmaScore)
            == (other.Epoch, other.LearningRate, other.TrainLoss, other.Score, other.Seconds,
                other.TrainImagesPerSecond, other.EmaScore)
        && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Epoch, LearningRate, TrainLoss, Score);
}
