using LeanNets.Data;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>Live progress inside an epoch.</summary>
public sealed record BatchProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    long Step,
    double Loss,
    double LearningRate,
    double ImagesPerSecond,
    TimeSpan Eta
);

/// <summary>A run about to train (fresh or resumed): its directory, state so far, model and a sample batch.</summary>
public sealed record TrainingStart(
    string RunDirectory,
    TrainingState State,
    int BatchesPerEpoch,
    long Parameters,
    nn.Module Model,
    Batch SampleBatch
)
{
    /// <summary>What loading <see cref="TrainOptions.InitFrom"/> did (null when training from scratch).</summary>
    public string? InitializedFrom { get; init; }
}

/// <summary>An epoch committed to disk (last.ckpt written, best.ckpt updated when <see cref="Best"/>).</summary>
public sealed record EpochEnd(
    string RunDirectory,
    TrainingState State,
    EpochMetrics Metrics,
    bool Best,
    nn.Module Model
);

/// <summary>What front ends and reports hear from a training run; every method is optional.</summary>
public interface ITrainingObserver : ICommitObserver
{
    void OnStart(TrainingStart start) { }
    void OnBatch(BatchProgress progress) { }
    void OnEpoch(EpochEnd end) { }
}
