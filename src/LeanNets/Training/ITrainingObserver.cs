namespace LeanNets.Training;

/// <summary>Live progress inside an epoch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double LearningRate, double ImagesPerSecond, TimeSpan Eta);

/// <summary>What a front end (CLI, tests) hears from a training run.</summary>
public interface ITrainingObserver
{
    void OnStart(string runDirectory, TrainOptions options, int startEpoch, int batchesPerEpoch, long parameters);
    void OnBatch(BatchProgress progress);
    void OnEpoch(EpochMetrics metrics, bool best);
}
