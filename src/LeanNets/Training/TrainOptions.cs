using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Models;

namespace LeanNets.Training;

public enum OptimizerKind
{
    Sgd,
    AdamW,
}

public enum ScheduleKind
{
    Cosine,
    Step,
    Constant,
}

/// <summary>Everything a training run depends on, whatever its task; saved in every checkpoint so a resume
/// continues the same run. Each task's defaults are written once, by the task
/// (<see cref="TrainingTasks.Defaults"/>); a setting a task does not use is refused by it.</summary>
public sealed record TrainOptions
{
    /// <summary>The largest batch training and evaluation accept.</summary>
    public const int MaxBatchSize = 65_536;

    /// <summary>What is trained: <see cref="Models.ModelCard.Classify"/> or <see cref="Models.ModelCard.Detect"/>.
    /// </summary>
    public string Task { get; init; } = Models.ModelCard.Classify;
    public required string Model { get; init; }

    /// <summary>The dataset folder (a detector's: a VOC-layout folder).</summary>
    public required string Data { get; init; }

    /// <summary>A detector's VOC splits (null: train and val).</summary>
    public string? TrainSplit { get; init; }
    public string? EvalSplit { get; init; }

    /// <summary>A detector's anchors, width and height in input pixels, smallest first, three per scale (null:
    /// yolov3.cfg's). With <see cref="FitAnchors"/> and none given, the run fits them to its training boxes
    /// (<see cref="AnchorFit"/>) and records them here, so a resume and every file of the run use the same.</summary>
    public IReadOnlyList<float[]>? Anchors { get; init; }

    /// <summary>The normalisation of a run started from weights with a card (their card's mean and std),
    /// recorded when the run starts so a resume does not depend on that file still being there; null: the data's
    /// usual one.</summary>
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }

    /// <summary>Fit the anchors to the data before the run (`--anchors auto`).</summary>
    public bool FitAnchors { get; init; }

    /// <summary>A detector's augmentation (null: <see cref="DetectionAugmentation"/>'s defaults).</summary>
    public DetectionAugmentation? DetectionAugment { get; init; }
    public int? Classes { get; init; }
    public int? InChannels { get; init; }

    /// <summary>Input size fed to the model (the data is resized, padded or cropped to it); 0 = the data's
    /// own.</summary>
    public int InputSize { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; }
    public double WeightDecay { get; init; } = 5e-4;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    public double WarmupEpochs { get; init; }

    /// <summary>The biases' learning rate at the first step, falling linearly to the schedule's over the warm-up
    /// while the other weights rise from zero (Ultralytics' warmup_bias_lr); 0 is off: biases warm up like the
    /// rest.</summary>
    public double WarmupBiasLr { get; init; }

    /// <summary>Step schedule: multiply by <see cref="StepGamma"/> every this many epochs.</summary>
    public int StepEvery { get; init; } = 30;
    public double StepGamma { get; init; } = 0.1;
    public double LabelSmoothing { get; init; }

    /// <summary>Clip the global gradient norm to this; 0 = off.</summary>
    public double ClipGradNorm { get; init; }

    /// <summary>Exponential moving average of the weights with this decay per step; 0 = off.</summary>
    public double EmaDecay { get; init; }
    public Augmentation Augment { get; init; } = Augmentation.None;

    /// <summary>Zero padding before a random crop back to the input size (0 = no random crop).</summary>
    public int Pad { get; init; }
    public bool Flip { get; init; }
    public long Seed { get; init; }

    /// <summary>Weights to start from (fine-tuning): a PyTorch, safetensors or LeanNets file; null = fresh
    /// initialisation.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Parts not trained (<see cref="Freezing"/>: "stem", "stages.0..2", "backbone"); null = none.
    /// </summary>
    public string? Freeze { get; init; }

    /// <summary>The backbone's learning rate as a fraction of the head's (fine-tuning); 1 = the same.</summary>
    public double BackboneLrScale { get; init; } = 1;

    /// <summary>Bit-identical reruns and resumes: the thread count is recorded and reused
    /// (docs/reproducibility.md).</summary>
    public bool Deterministic { get; init; }

    /// <summary>The intra-op thread count a deterministic run recorded; null otherwise.</summary>
    public int? Threads { get; init; }

    /// <summary>Batches prepared ahead on background threads; 0 loads on the training thread.</summary>
    public int Prefetch { get; init; } = 4;

    /// <summary>Use only N training / test images (0 = all): quick runs and tests.</summary>
    public int LimitTrain { get; init; }
    public int LimitTest { get; init; }
    public bool SkipBad { get; init; }
    public string Recipe { get; init; } = "default";

    /// <summary>The options with an augmentation and the pad and flip it implies.</summary>
    public TrainOptions WithAugmentation(Augmentation augment)
    {
        var (pad, flip) = DataConfig.Defaults(augment);
        return this with { Augment = augment, Pad = pad, Flip = flip };
    }

    /// <summary>The model and task checked, then every value against its range; the message names the setting
    /// and the value.</summary>
    public void Validate()
    {
        TrainingTasks.Require(this);
        ValidateRanges();
    }

    /// <summary>Every value checked against its range (what a checkpoint's header must also satisfy).</summary>
    public void ValidateRanges()
    {
        if (Model is null || Data is null || Task is null)
            throw new LeanNetsUsageException("the model, task and data must be named");
        Bounds.Require(Epochs is > 0 and <= 100_000, "epochs", Epochs, "1..100000");
        Bounds.Require(BatchSize is > 0 and <= MaxBatchSize, "batch size", BatchSize, $"1..{MaxBatchSize}");
        Bounds.Require(
            double.IsFinite(LearningRate) && LearningRate is > 0 and <= 100,
            "learning rate",
            LearningRate,
            "(0, 100]"
        );
        Bounds.Require(Momentum is >= 0 and < 1, "momentum", Momentum, "[0, 1)");
        if (Nesterov && Momentum == 0)
            throw new LeanNetsUsageException("Nesterov momentum needs a momentum above 0");
        Bounds.Require(WeightDecay is >= 0 and < 1, "weight decay", WeightDecay, "[0, 1)");
        Bounds.Require(
            WarmupEpochs >= 0 && WarmupEpochs <= Epochs,
            "warmup epochs",
            WarmupEpochs,
            $"0..{Epochs} (the epochs)"
        );
        Bounds.Require(WarmupBiasLr is >= 0 and <= 100, "warm-up bias learning rate", WarmupBiasLr, "[0, 100]");
        if (WarmupBiasLr > 0 && WarmupEpochs == 0)
            throw new LeanNetsUsageException(
                "--warmup-bias-lr sets the biases' rate during a warm-up, and --warmup is 0");
        Bounds.Require(StepEvery is > 0 and <= 100_000, "step-schedule interval", StepEvery, "1..100000 epochs");
        Bounds.Require(StepGamma is > 0 and <= 1, "step-schedule factor", StepGamma, "(0, 1]");
        Bounds.Require(LabelSmoothing is >= 0 and < 1, "label smoothing", LabelSmoothing, "[0, 1)");
        bool finiteClip = ClipGradNorm >= 0 && double.IsFinite(ClipGradNorm);
        Bounds.Require(finiteClip, "gradient clipping norm", ClipGradNorm, ">= 0");
        Bounds.Require(EmaDecay is >= 0 and < 1, "EMA decay", EmaDecay, "[0, 1)");
        Bounds.Require(BackboneLrScale is > 0 and <= 10, "backbone learning-rate scale", BackboneLrScale, "(0, 10]");
        Bounds.Require(Pad is >= 0 and <= 256, "padding", Pad, "0..256");
        Bounds.Require(
            InputSize == 0 || InputSize is >= 8 and <= 4096,
            "input size",
            InputSize,
            "8..4096 (or 0: the data's own)"
        );
        Bounds.Require(
            Classes is null or (> 0 and <= ModelRegistry.MaxClasses),
            "classes",
            Classes ?? 0,
            $"1..{ModelRegistry.MaxClasses}"
        );
        Bounds.Require(
            InChannels is null or (> 0 and <= InputShape.MaxChannels),
            "input channels",
            InChannels ?? 0,
            $"1..{InputShape.MaxChannels}"
        );
        Bounds.Require(Prefetch is >= 0 and <= 64, "prefetch", Prefetch, "0..64");
        // A resumed deterministic run reuses the count in its checkpoint: bounded as --threads is.
        if (Threads is int threads)
            Runtime.ResourceGuard.RequireThreads(threads, "the run's thread count");
        if (Anchors is { } anchors)
        {
            bool valid = anchors.Count is >= 3 and <= 30 && anchors.Count % 3 == 0
                && anchors.All(a => a.Length == 2 && a.All(v => float.IsFinite(v) && v is > 0 and <= 4096));
            if (!valid)
                throw new LeanNetsUsageException(
                    $"anchors must be 3 to 30 width-height pairs (three per scale) with sizes in (0, 4096], got "
                        + $"{anchors.Count}");
        }
        Bounds.Require(LimitTrain >= 0, "training image limit", LimitTrain, ">= 0");
        Bounds.Require(LimitTest >= 0, "test image limit", LimitTest, ">= 0");
    }
}
