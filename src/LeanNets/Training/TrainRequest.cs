using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Models;

namespace LeanNets.Training;

/// <summary>
/// A training run as a person asks for it (`leannets train`, or code): a model and its data, or a run to resume,
/// and only the settings to change; every other setting is the task's default (<see cref="TrainingTasks"/>)
/// or, for a classifier, the recipe's. Messages name the settings as the command line spells them.
/// </summary>
public sealed record TrainRequest
{
    /// <summary>A registry name (not needed to resume: the run knows it; when given, it must be the run's).</summary>
    public string? Model { get; init; }
    public string? Data { get; init; }

    /// <summary>A run directory or a checkpoint in it, to continue.</summary>
    public string? Resume { get; init; }

    /// <summary>The run directory (default runs/MODEL-TIME; for a resume, the run's own).</summary>
    public string? Output { get; init; }
    public bool Force { get; init; }

    /// <summary>The task asked for: it must be the model's.</summary>
    public string? Task { get; init; }
    public string? Recipe { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    public OptimizerKind? Optimizer { get; init; }
    public double? Momentum { get; init; }
    public bool? Nesterov { get; init; }
    public double? WeightDecay { get; init; }
    public ScheduleKind? Schedule { get; init; }
    public double? WarmupEpochs { get; init; }

    /// <summary>The biases' learning rate at the start of the warm-up (default 0: they warm up like the rest).
    /// </summary>
    public double? WarmupBiasLr { get; init; }
    public int? StepEvery { get; init; }
    public double? StepGamma { get; init; }
    public double? LabelSmoothing { get; init; }
    public double? ClipGradNorm { get; init; }
    public double? EmaDecay { get; init; }
    public Augmentation? Augment { get; init; }
    public int? Pad { get; init; }
    public bool? Flip { get; init; }
    public int? InputSize { get; init; }
    public int? Classes { get; init; }
    public int? InChannels { get; init; }
    public long? Seed { get; init; }
    public string? InitFrom { get; init; }
    public string? Freeze { get; init; }
    public double? BackboneLrScale { get; init; }
    public bool Deterministic { get; init; }
    public int? Prefetch { get; init; }
    public int? LimitTrain { get; init; }
    public int? LimitTest { get; init; }
    public bool SkipBad { get; init; }

    /// <summary>A detector's anchors: "cfg" (yolov3.cfg's, the default), "auto" (fitted to the training boxes) or
    /// a file of width-height pairs, one per line.</summary>
    public string? Anchors { get; init; }

    /// <summary>A detector's chance of a four-picture mosaic per training image (default 0).</summary>
    public double? Mosaic { get; init; }

    /// <summary>A detector's last epochs without mosaics (default 0).</summary>
    public int? CloseMosaic { get; init; }

    /// <summary>A detector's shear spread in degrees (default 0).</summary>
    public double? Shear { get; init; }

    /// <summary>A detector's multi-scale spread of the input side per batch (default 0).</summary>
    public double? MultiScale { get; init; }

    /// <summary>Trains (or resumes) and reports to the observers.</summary>
    public TrainResult Run(IReadOnlyList<ITrainingObserver> observers, CancellationToken cancel = default)
    {
        if (Resume != null)
        {
            if (Given().Except(ResumeSettings).FirstOrDefault() is string fixedSetting)
                throw new LeanNetsUsageException(
                    $"{fixedSetting} cannot be changed when resuming: the run keeps its own settings");
            return Trainer.Resume(new ResumeRequest(Resume, Epochs, Output, Model, Data, Force, Task), observers,
                cancel);
        }
        var options = Resolve();
        return Trainer.Run(options, Output ?? Trainer.DefaultRunDirectory(options.Model), observers, Force, cancel);
    }

    /// <summary>The run's options: the task's defaults (and a classifier's recipe), then what was asked.</summary>
    public TrainOptions Resolve()
    {
        string model = Model ?? throw new LeanNetsUsageException(
            "name the model to train (or --resume RUN to continue a run)");
        string task = TrainingTasks.Of(model, Task);
        string data = Data ?? throw new LeanNetsUsageException(
            task == ModelCard.Detect ? "--data is required (a VOC folder)" : "--data is required (the dataset folder)");
        TrainOptions o;
        if (task == ModelCard.Detect)
        {
            if (Given().Intersect(RequestOnlyClassifierSettings).FirstOrDefault() is string unused)
                throw new LeanNetsUsageException($"{unused} is not used when training a detector");
            o = TrainingTasks.Defaults(model, data) with
            {
                DetectionAugment = DetectorAugmentation(),
                Anchors = Anchors is null or "cfg" or "auto" ? null : AnchorFile.Read(Anchors),
                FitAnchors = Anchors == "auto",
            };
        }
        else
        {
            if (Given().FirstOrDefault(s => s is "--anchors" or "--mosaic" or "--close-mosaic" or "--shear"
                    or "--multi-scale") is string detectorOnly)
                throw new LeanNetsUsageException($"{detectorOnly} is for detectors; {model} is a classifier");
            o = Tasks.ClassificationTask.WithRecipe(model, data, Recipe ?? "default", BatchSize);
            if (Augment is Augmentation augment)
                o = o.WithAugmentation(augment);
            o = o with { Flip = Flip ?? o.Flip };
        }
        return o with
        {
            Epochs = Epochs ?? o.Epochs,
            BatchSize = BatchSize ?? o.BatchSize,
            LearningRate = LearningRate ?? o.LearningRate,
            Optimizer = Optimizer ?? o.Optimizer,
            Momentum = Momentum ?? o.Momentum,
            Nesterov = Nesterov ?? o.Nesterov,
            WeightDecay = WeightDecay ?? o.WeightDecay,
            Schedule = Schedule ?? o.Schedule,
            WarmupEpochs = WarmupEpochs ?? o.WarmupEpochs,
            WarmupBiasLr = WarmupBiasLr ?? o.WarmupBiasLr,
            StepEvery = StepEvery ?? o.StepEvery,
            StepGamma = StepGamma ?? o.StepGamma,
            LabelSmoothing = LabelSmoothing ?? o.LabelSmoothing,
            Pad = Pad ?? o.Pad,
            ClipGradNorm = ClipGradNorm ?? o.ClipGradNorm,
            EmaDecay = EmaDecay ?? o.EmaDecay,
            InputSize = InputSize ?? o.InputSize,
            Classes = Classes,
            InChannels = InChannels,
            Seed = Seed ?? o.Seed,
            InitFrom = InitFrom,
            Freeze = Freeze,
            BackboneLrScale = BackboneLrScale ?? 1,
            Deterministic = Deterministic,
            Prefetch = Prefetch ?? o.Prefetch,
            LimitTrain = LimitTrain ?? 0,
            LimitTest = LimitTest ?? 0,
            SkipBad = SkipBad,
        };
    }

    /// <summary>A detector's augmentation: its defaults, none, or the defaults with flips set.</summary>
    private DetectionAugmentation DetectorAugmentation()
    {
        var augment = Augment switch
        {
            null => new DetectionAugmentation(),
            Augmentation.None => DetectionAugmentation.None,
            var other => throw new LeanNetsUsageException(
                $"--augment {other.ToString()!.ToLowerInvariant()} is for classifiers; a detector takes none "
                    + "(default: zoom, shift, flip and colour jitter)"
            ),
        };
        augment = augment with
        {
            MosaicChance = Mosaic ?? augment.MosaicChance,
            CloseMosaic = CloseMosaic ?? augment.CloseMosaic,
            Shear = Shear ?? augment.Shear,
            MultiScale = MultiScale ?? augment.MultiScale,
        };
        return Flip is bool flip ? augment with { Flip = flip } : augment;
    }

    private static readonly string[] ResumeSettings = ["--epochs", "--output", "--force", "--data", "--task"];

    /// <summary>Classifier settings that exist only on the command line (a recipe is expanded into the options; a
    /// detector loads its batches without a prefetch thread): the rest are checked on the options themselves
    /// (<c>DetectionTask.RefuseClassifierSettings</c>).</summary>
    private static readonly string[] RequestOnlyClassifierSettings = ["--recipe", "--prefetch"];

    /// <summary>The settings this request changes, as the command line names them.</summary>
    private IEnumerable<string> Given()
    {
        (string Name, bool Set)[] all =
        [
            ("--data", Data != null), ("--output", Output != null), ("--force", Force), ("--task", Task != null),
            ("--recipe", Recipe != null), ("--epochs", Epochs != null), ("--batch-size", BatchSize != null),
            ("--lr", LearningRate != null), ("--optimizer", Optimizer != null), ("--momentum", Momentum != null),
            ("--nesterov", Nesterov != null), ("--wd", WeightDecay != null), ("--schedule", Schedule != null),
            ("--warmup", WarmupEpochs != null), ("--warmup-bias-lr", WarmupBiasLr != null),
            ("--step-every", StepEvery != null),
            ("--step-gamma", StepGamma != null), ("--label-smoothing", LabelSmoothing != null),
            ("--clip-grad", ClipGradNorm != null), ("--ema", EmaDecay != null), ("--augment", Augment != null),
            ("--pad", Pad != null), ("--flip", Flip != null), ("--input-size", InputSize != null),
            ("--classes", Classes != null), ("--in-channels", InChannels != null), ("--seed", Seed != null),
            ("--init-from", InitFrom != null), ("--freeze", Freeze != null),
            ("--backbone-lr-scale", BackboneLrScale != null), ("--deterministic", Deterministic),
            ("--prefetch", Prefetch != null),
            ("--limit-train", LimitTrain != null), ("--limit-test", LimitTest != null), ("--skip-bad", SkipBad),
            ("--anchors", Anchors != null), ("--mosaic", Mosaic != null),
            ("--close-mosaic", CloseMosaic != null), ("--shear", Shear != null),
            ("--multi-scale", MultiScale != null),
        ];
        return all.Where(s => s.Set).Select(s => s.Name);
    }
}
