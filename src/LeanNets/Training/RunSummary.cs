using LeanNets.Measures;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>A trained run summarised for comparison: its score (test top-1 of a classifier, 11-point mAP of a
/// detector), size, cost and single-thread CPU time.</summary>
/// <param name="TrainImages">the training images used, null for all.</param>
public sealed record RunSummary(
    string Run,
    string Model,
    int Epochs,
    int? TrainImages,
    double BestScore,
    double FinalScore,
    long Params,
    long Macs,
    double CpuMsPerImage,
    double TrainImagesPerSecond
)
{
    /// <summary>Reads a run directory's last checkpoint and measures the model (latency on one thread, as the
    /// papers).</summary>
    public static RunSummary Read(string runDirectory)
    {
        var state = Checkpoint.ReadState(Path.Combine(runDirectory, Trainer.LastCheckpoint));
        if (state.History.Count == 0)
            throw new LeanNetsException($"{runDirectory}: the run has no completed epoch");
        var o = state.Options;
        using var model = TrainingTasks.CreateModel(o);
        var shape = new InputShape(o.InChannels ?? 1, o.InputSize, o.InputSize);
        var profile = ModelProfiler.Profile(model, shape.WithBatch(1), o.Model);
        int threads = get_num_threads();
        Latency latency;
        try
        {
            set_num_threads(1);
            latency = LatencyMeter.Measure(model, shape, batch: 1, runs: 30);
        }
        finally
        {
            set_num_threads(threads);
        }
        return new RunSummary(
            runDirectory,
            o.Model,
            state.CompletedEpochs,
            o.LimitTrain > 0 ? o.LimitTrain : null,
            state.BestScore,
            state.History[^1].Score,
            profile.Params,
            profile.Macs,
            latency.MsPerImage,
            state.History.Average(h => h.TrainImagesPerSecond)
        );
    }
}
