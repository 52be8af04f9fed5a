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

/// <summary>A run about to train (fresh or resumed): its directory, state so far, model and a few of its
/// training inputs (normalised, N x C x H x W; valid during the call).</summary>
public sealed record TrainingStart(
    string RunDirectory,
    TrainingState State,
    int BatchesPerEpoch,
    long Parameters,
    nn.Module Model,
    Tensor SampleImages
)
{
    /// <summary>What loading <see cref="TrainOptions.InitFrom"/> did (null when training from scratch).</summary>
    public string? InitializedFrom { get; init; }

    /// <summary>The task's notes on the data (<see cref="ITrainingTask.Notes"/>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>An epoch committed to disk (last.ckpt written, the best files updated when <see cref="Best"/>).
/// </summary>
/// <param name="Evaluation">the task's full evaluation (its <see cref="TaskEvaluation.Details"/>: a classifier's
/// EvalResult, a detector's DetectionScores).</param>
/// <param name="Summary">the epoch in one line for people, as the task words it.</param>
public sealed record EpochEnd(
    string RunDirectory,
    TrainingState State,
    EpochMetrics Metrics,
    bool Best,
    nn.Module Model,
    TaskEvaluation Evaluation,
    string Summary
);

/// <summary>What front ends and reports hear from a training run of any task; every method is optional.</summary>
public interface ITrainingObserver : ICommitObserver
{
    void OnStart(TrainingStart start) { }
    void OnBatch(BatchProgress progress) { }
    void OnEpoch(EpochEnd end) { }
}
