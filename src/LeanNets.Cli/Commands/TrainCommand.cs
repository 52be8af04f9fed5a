using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Models.Detection;
using LeanNets.Reports;
using LeanNets.Training;
using LeanNets.Training.Detection;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets train MODEL --data DIR`: a recipe by name, any value overridable, resumable.</summary>
public static class TrainCommand
{
    private sealed class Overrides
    {
        public Option<string?> Data { get; } =
            new("--data")
            {
                Description =
                    "dataset folder: IDX (Fashion-MNIST), CIFAR binary, or image folders train/ and val/ (or "
                    + "validation/, test/)",
            };
        public Option<string> Recipe { get; } =
            new("--recipe")
            {
                Description = $"training recipe: {string.Join(", ", Recipes.All.Keys)}",
                DefaultValueFactory = _ => "default",
            };
        public Option<int?> Epochs { get; } = new("--epochs") { Description = "epochs to train" };
        public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "images per batch" };
        public Option<double?> Lr { get; } = new("--lr") { Description = "peak learning rate" };
        public Option<OptimizerKind?> Optimizer { get; } = new("--optimizer") { Description = "sgd or adamw" };
        public Option<double?> Momentum { get; } = new("--momentum") { Description = "SGD momentum" };
        public Option<bool?> Nesterov { get; } = new("--nesterov") { Description = "Nesterov momentum" };
        public Option<double?> WeightDecay { get; } =
            new("--wd") { Description = "weight decay (not applied to biases and BN)" };
        public Option<ScheduleKind?> Schedule { get; } = new("--schedule") { Description = "cosine, step or constant" };
        public Option<double?> Warmup { get; } = new("--warmup") { Description = "linear warmup epochs" };
        public Option<int?> StepEvery { get; } =
            new("--step-every") { Description = "step schedule: epochs between decays" };
        public Option<double?> StepGamma { get; } = new("--step-gamma") { Description = "step schedule: decay factor" };
        public Option<double?> LabelSmoothing { get; } =
            new("--label-smoothing") { Description = "label smoothing of the cross-entropy" };
        public Option<double?> ClipGrad { get; } =
            new("--clip-grad") { Description = "clip the gradient norm (0 = off)" };
        public Option<double?> Ema { get; } =
            new("--ema") { Description = "EMA decay of the weights per step (0 = off), e.g. 0.999" };
        public Option<Augmentation?> Augment { get; } =
            new("--augment")
            {
                Description =
                    "training augmentation: none, cifar (pad 4, random crop, flip) or imagenet (random-resized "
                    + "crop, flip)",
            };
        public Option<int?> Pad { get; } = new("--pad") { Description = "random-crop padding (pixels)" };
        public Option<bool?> Flip { get; } = new("--flip") { Description = "random horizontal flips" };
        public Option<int?> InputSize { get; } =
            new("--input-size") { Description = "model input size (default: the data's own)" };
        public Option<int?> Classes { get; } =
            new("--classes") { Description = "number of classes (default: from the data)" };
        public Option<int?> InChannels { get; } =
            new("--in-channels") { Description = "input channels (default: from the data)" };
        public Option<long?> Seed { get; } =
            new("--seed") { Description = "seed for weights, data order and augmentation" };
        public Option<string?> InitFrom { get; } =
            new("--init-from")
            {
                Description =
                    "start from these weights (.pth, .safetensors or .ckpt; a classifier for another number of "
                    + "classes is re-initialised)",
            };
        public Option<bool> Deterministic { get; } =
            new("--deterministic")
            {
                Description =
                    "bit-identical reruns and resumes: the thread count is recorded and reused (see "
                    + "docs/reproducibility.md)",
            };
        public Option<int?> Prefetch { get; } =
            new("--prefetch") { Description = "batches prepared ahead in the background (0 = none)" };
        public Option<int?> LimitTrain { get; } =
            new("--limit-train") { Description = "use only the first N training images" };
        public Option<int?> LimitTest { get; } =
            new("--limit-test") { Description = "use only the first N test images" };
        public Option<bool> SkipBad { get; } =
            new("--skip-bad") { Description = "skip unreadable images (ImageFolder), counting them" };
        public Option<string?> Output { get; } =
            new("--output") { Description = "run directory (default runs/MODEL-TIME)" };
        public Option<string?> Resume { get; } =
            new("--resume")
            {
                Description =
                    "continue a run (directory or checkpoint file) to its own epochs, or to --epochs; --output "
                    + "continues it elsewhere",
            };
        public Option<bool> Force { get; } =
            new("--force") { Description = "replace the run that --output already holds" };
        public Option<bool> NoTensorBoard { get; } =
            new("--no-tensorboard") { Description = "do not write TensorBoard event files" };
        public Option<ModelTask?> Task { get; } =
            new("--task") { Description = "classify or detect (default: what the model is)" };

        public IEnumerable<Option> All() =>
            [
                Data,
                Recipe,
                Epochs,
                BatchSize,
                Lr,
                Optimizer,
                Momentum,
                Nesterov,
                WeightDecay,
                Schedule,
                Warmup,
                StepEvery,
                StepGamma,
                LabelSmoothing,
                ClipGrad,
                Ema,
                Augment,
                Pad,
                Flip,
                InputSize,
                Classes,
                InChannels,
                Seed,
                InitFrom,
                Deterministic,
                Prefetch,
                LimitTrain,
                LimitTest,
                SkipBad,
                Output,
                Resume,
                Force,
                NoTensorBoard,
                Task,
            ];

        /// <summary>Options a detector run takes (the rest belong to classification).</summary>
        public IEnumerable<Option> DetectionOptions() =>
            [
                Data,
                Epochs,
                BatchSize,
                Lr,
                WeightDecay,
                Warmup,
                ClipGrad,
                InputSize,
                Seed,
                SkipBad,
                Output,
                Force,
                NoTensorBoard,
                Task,
                Augment,
                Flip,
            ];

        public DetectionTrainOptions BuildDetection(ParseResult r, string model) =>
            new()
            {
                Model = model,
                Data = [r.GetValue(Data) ?? throw new LeanNetsUsageException("--data is required (a VOC folder)")],
                Epochs = r.GetValue(Epochs) ?? 30,
                BatchSize = r.GetValue(BatchSize) ?? 8,
                LearningRate = r.GetValue(Lr) ?? 0.01,
                WeightDecay = r.GetValue(WeightDecay) ?? 5e-4,
                WarmupEpochs = r.GetValue(Warmup) ?? 1,
                ClipGradNorm = r.GetValue(ClipGrad) ?? 10,
                InputSize = r.GetValue(InputSize) ?? DetectorRegistry.DefaultInputSize,
                Seed = r.GetValue(Seed) ?? 0,
                SkipBad = r.GetValue(SkipBad),
                Augmentation = DetectorAugmentation(r),
            };

        private DetectionAugmentation DetectorAugmentation(ParseResult r)
        {
            var augment = r.GetValue(Augment) switch
            {
                null => new DetectionAugmentation(),
                Augmentation.None => DetectionAugmentation.None,
                var other => throw new LeanNetsUsageException(
                    $"--augment {other.ToString()!.ToLowerInvariant()} is for classifiers; a detector takes none "
                        + "(default: zoom, shift, flip and colour jitter)"
                ),
            };
            return r.GetValue(Flip) is bool flip ? augment with { Flip = flip } : augment;
        }

        /// <summary>Options a resume may take: the run keeps everything else it was started with.</summary>
        public IEnumerable<Option> ResumeOptions() => [Epochs, Output, Resume, Force, NoTensorBoard, Data, Task];

        public TrainOptions Build(ParseResult r, string model)
        {
            string data =
                r.GetValue(Data) ?? throw new LeanNetsUsageException("--data is required (the dataset folder)");
            var o = new TrainOptions
            {
                Model = model,
                Data = data,
                BatchSize = r.GetValue(BatchSize) ?? 128,
            };
            o = Recipes.Apply(r.GetValue(Recipe)!, o);
            if (r.GetValue(Augment) is Augmentation augment)
                o = o.WithAugmentation(augment);
            return o with
            {
                Epochs = r.GetValue(Epochs) ?? o.Epochs,
                LearningRate = r.GetValue(Lr) ?? o.LearningRate,
                Optimizer = r.GetValue(Optimizer) ?? o.Optimizer,
                Momentum = r.GetValue(Momentum) ?? o.Momentum,
                Nesterov = r.GetValue(Nesterov) ?? o.Nesterov,
                WeightDecay = r.GetValue(WeightDecay) ?? o.WeightDecay,
                Schedule = r.GetValue(Schedule) ?? o.Schedule,
                WarmupEpochs = r.GetValue(Warmup) ?? o.WarmupEpochs,
                StepEvery = r.GetValue(StepEvery) ?? o.StepEvery,
                StepGamma = r.GetValue(StepGamma) ?? o.StepGamma,
                LabelSmoothing = r.GetValue(LabelSmoothing) ?? o.LabelSmoothing,
                ClipGradNorm = r.GetValue(ClipGrad) ?? o.ClipGradNorm,
                EmaDecay = r.GetValue(Ema) ?? o.EmaDecay,
                Pad = r.GetValue(Pad) ?? o.Pad,
                Flip = r.GetValue(Flip) ?? o.Flip,
                InputSize = r.GetValue(InputSize) ?? o.InputSize,
                Classes = r.GetValue(Classes),
                InChannels = r.GetValue(InChannels),
                Seed = r.GetValue(Seed) ?? 0,
                InitFrom = r.GetValue(InitFrom),
                Deterministic = r.GetValue(Deterministic),
                Prefetch = r.GetValue(Prefetch) ?? o.Prefetch,
                LimitTrain = r.GetValue(LimitTrain) ?? 0,
                LimitTest = r.GetValue(LimitTest) ?? 0,
                SkipBad = r.GetValue(SkipBad),
            };
        }
    }

    public static Command Create(TextWriter output)
    {
        var model = new Argument<string?>("model")
        {
            Description = "registry name, e.g. vgnetg_1_0mp_cifar (not needed with --resume: the run knows it)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var overrides = new Overrides();
        var command = new Command(
            "train",
            "Train a model; writes checkpoints, metrics.csv/jsonl, curves.png and report.html into the run directory"
        );
        command.Arguments.Add(model);
        foreach (var option in overrides.All())
            command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var progress = new ConsoleProgress(
                output,
                interactive: output == Console.Out && !Console.IsOutputRedirected
            );
            var tensorBoard = parsed.GetValue(overrides.NoTensorBoard) ? null : new TensorBoardLog();
            var killAt = KillAtCommitStep.FromEnvironment();
            string? name = parsed.GetValue(model);
            string? resume = parsed.GetValue(overrides.Resume);
            if (resume != null)
                RequireResumeOptions(parsed, overrides);
            else if (name == null)
                throw new LeanNetsUsageException("name the model to train (or --resume RUN to continue a run)");
            bool detector = resume != null
                ? DetectionCheckpoint.IsDetectorCheckpoint(Trainer.LastCheckpointOf(resume))
                : DetectorRegistry.Contains(name!);
            ModelTasks.RequireAgrees(name ?? resume!, detector, parsed.GetValue(overrides.Task));
            if (detector)
                return TrainDetector(parsed, overrides, name, output, [progress, new DetectionReport(),
                    .. tensorBoard != null ? new IDetectionObserver[] { tensorBoard } : [],
                    .. killAt != null ? new IDetectionObserver[] { killAt } : []]);
            var observers = new List<ITrainingObserver> { progress, new RunReport() };
            if (tensorBoard != null)
                observers.Add(tensorBoard);
            if (killAt != null)
                observers.Add(killAt);
            TrainResult result;
            if (resume != null)
                result = Trainer.Resume(ResumeRequestOf(parsed, overrides, resume, name), observers);
            else
            {
                var options = overrides.Build(parsed, name!);
                string runDir =
                    parsed.GetValue(overrides.Output)
                    ?? Path.Combine("runs", $"{options.Model}-{DateTime.Now:yyyyMMdd-HHmmss}");
                result = Trainer.Run(options, runDir, observers, parsed.GetValue(overrides.Force));
            }
            if (result.SkippedImages > 0)
                output.WriteLine($"skipped {result.SkippedImages} unreadable images (--skip-bad)");
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"final test top-1 {100 * result.FinalEval.Top1:F2}% (best {100 * result.State.BestTop1:F2}%); "
                        + $"report: {Path.Combine(result.RunDirectory, "report.html")}"
                )
            );
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static void RequireResumeOptions(ParseResult parsed, Overrides overrides)
    {
        var fixedOption = overrides
            .All()
            .Except(overrides.ResumeOptions())
            .FirstOrDefault(o => parsed.GetResult(o) is { Implicit: false });
        if (fixedOption != null)
            throw new LeanNetsUsageException(
                $"{fixedOption.Name} cannot be changed when resuming: the run keeps its own settings"
            );
    }

    private static ResumeRequest ResumeRequestOf(
        ParseResult parsed,
        Overrides overrides,
        string resume,
        string? model
    ) =>
        new(
            resume,
            parsed.GetValue(overrides.Epochs),
            parsed.GetValue(overrides.Output),
            model,
            parsed.GetValue(overrides.Data),
            parsed.GetValue(overrides.Force)
        );

    /// <summary>A detector (YOLO-V3) on VOC-layout data: <see cref="DetectionTrainer"/>.</summary>
    private static int TrainDetector(
        ParseResult parsed,
        Overrides overrides,
        string? name,
        TextWriter output,
        IReadOnlyList<IDetectionObserver> observers
    )
    {
        DetectionRun run;
        if (parsed.GetValue(overrides.Resume) is string resume)
            run = DetectionTrainer.Resume(ResumeRequestOf(parsed, overrides, resume, name), observers);
        else
        {
            var other = overrides
                .All()
                .Except(overrides.DetectionOptions())
                .FirstOrDefault(o => parsed.GetResult(o) is { Implicit: false });
            if (other != null)
                throw new LeanNetsUsageException($"{other.Name} is not used when training a detector");
            var options = overrides.BuildDetection(parsed, name!);
            options.Validate();
            string runDir =
                parsed.GetValue(overrides.Output) ?? Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}");
            run = DetectionTrainer.Run(options, runDir, observers, parsed.GetValue(overrides.Force));
        }
        if (run.SkippedImages > 0)
            output.WriteLine($"skipped {run.SkippedImages} images with bad annotations or missing files (--skip-bad)");
        var best = run.State.History.MaxBy(e => e.Map07);
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"best mAP@0.5 {100 * (best?.Map07 ?? 0):F1}% (VOC07) at epoch {best?.Epoch ?? 0}; weights: "
                    + $"{Path.Combine(run.Directory, DetectionTrainer.BestWeights)}; report: "
                    + $"{Path.Combine(run.Directory, DetectionReport.Page)}"
            )
        );
        return LeanNetsCli.Success;
    }
}
