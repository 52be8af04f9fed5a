using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>A batch of training inputs with their targets, in whatever form its task reads them.</summary>
public interface ITrainingBatch : IDisposable
{
    int Count { get; }
}

/// <summary>One batch's loss to minimise, and the task's figures of it (per image, averaged over the epoch by
/// the engine), e.g. the training top-1 of a classifier or the loss terms of a detector.</summary>
public sealed record BatchLoss(Tensor Total, IReadOnlyList<(string Name, double Value)> Terms);

/// <summary>
/// An evaluation after an epoch: named figures (metrics.csv columns), the score that picks the best epoch
/// (higher is better), and the task's full result (per-class figures, curves) for its report.
/// </summary>
public sealed record TaskEvaluation(IReadOnlyList<(string Name, double Value)> Metrics, double Score, object Details);

/// <summary>
/// What one kind of training supplies to <see cref="Trainer"/>, the one engine: its data (opened from the
/// options), its model, its loss and its evaluation. The engine owns everything else (options, schedule,
/// optimizer, clipping, EMA, checks, checkpoints, commits, resume, observers), so a new task adds only this.
/// </summary>
public interface ITrainingTask : IDisposable
{
    /// <summary>The options resolved against the data (classes, channels, input size), as the run records
    /// them so that a resume or an evaluation rebuilds exactly this model.</summary>
    TrainOptions Options { get; }

    /// <summary>What the task decided from the data that a person should know at the start (a held-out split,
    /// fitted anchors), one line each.</summary>
    IReadOnlyList<string> Notes => [];

    /// <summary>The data's class names in label order.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>How the images became inputs (recorded in the run and in every file's model card).</summary>
    Data.DataConfig Input { get; }

    /// <summary>The largest side a training batch has (multi-scale training goes above the input size): the
    /// memory check before the first batch is made at it.</summary>
    int LargestTrainingSide => Input.InputSize;

    int BatchesPerEpoch { get; }

    /// <summary>Unreadable images left out (SkipBad), training and evaluation data together.</summary>
    int SkippedImages { get; }

    /// <summary>A new model of the resolved options, with the registry's weight initialisation.</summary>
    nn.Module<Tensor, Tensor> CreateModel();

    /// <summary>Loads another file's weights into a fresh model (fine-tuning); says what it loaded.</summary>
    string InitializeFrom(nn.Module<Tensor, Tensor> model, string path);

    /// <summary>The epoch's training batches, in an order and with augmentation drawn from the seed and the
    /// epoch alone (so a resumed run sees what an unbroken one would).</summary>
    IEnumerable<ITrainingBatch> Epoch(int epoch, CancellationToken cancel);

    /// <summary>The loss of a batch (inside the engine's dispose scope).</summary>
    BatchLoss Loss(nn.Module<Tensor, Tensor> model, ITrainingBatch batch);

    TaskEvaluation Evaluate(nn.Module<Tensor, Tensor> model, int epoch);

    /// <summary>A few training inputs, normalised, for observers that show them (N x C x H x W).</summary>
    Tensor SampleImages();

    /// <summary>One line for people: an epoch's results.</summary>
    string Describe(EpochMetrics metrics);
}
