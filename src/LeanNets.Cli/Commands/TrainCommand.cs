using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Data;
using LeanNets.Reports;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets train MODEL --data DIR`: any task, a recipe by name, any value overridable, resumable.
/// Options map onto a <see cref="TrainRequest"/>; the library chooses the task, its defaults and the run
/// directory.</summary>
public static class TrainCommand
{
    private static Option<T> Make<T>(string name, string description) => new(name) { Description = description };

    public static Command Create(TextWriter output)
    {
        var model = new Argument<string?>("model")
        {
            Description = "registry name, e.g. vgnetg_1_0mp_cifar or yolov3_w25 (not needed with --resume)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var data = Make<string?>("--data", "dataset folder: IDX (Fashion-MNIST), CIFAR binary, image folders "
            + "train/ and val/ (or validation/, test/); a detector's: a VOC-layout folder");
        var recipe = Make<string?>("--recipe", $"classifier training recipe: {string.Join(", ", Recipes.All.Keys)}");
        var epochs = Make<int?>("--epochs", "epochs to train (a resume: train on to this many)");
        var batch = Make<int?>("--batch-size", "images per batch");
        var lr = Make<double?>("--lr", "peak learning rate");
        var optimizer = Make<OptimizerKind?>("--optimizer", "sgd or adamw");
        var momentum = Make<double?>("--momentum", "SGD momentum");
        var nesterov = Make<bool?>("--nesterov", "Nesterov momentum");
        var wd = Make<double?>("--wd", "weight decay (not applied to biases and norm parameters)");
        var schedule = Make<ScheduleKind?>("--schedule", "cosine, step or constant");
        var warmup = Make<double?>("--warmup", "linear warmup epochs");
        var warmupBias = Make<double?>("--warmup-bias-lr", "the biases' learning rate at the start of the warmup, "
            + "falling to the schedule's by its end (0 = off)");
        var stepEvery = Make<int?>("--step-every", "step schedule: epochs between decays");
        var stepGamma = Make<double?>("--step-gamma", "step schedule: decay factor");
        var smoothing = Make<double?>("--label-smoothing", "label smoothing of the cross-entropy");
        var clip = Make<double?>("--clip-grad", "clip the gradient norm (0 = off)");
        var ema = Make<double?>("--ema", "EMA decay of the weights per step (0 = off), e.g. 0.999; the average "
            + "picks the best epoch and is the best weights");
        var augment = Make<Augmentation?>("--augment", "none, cifar (pad 4, random crop, flip) or imagenet "
            + "(random-resized crop, flip); a detector takes none or its default (zoom, shift, flip, colour)");
        var pad = Make<int?>("--pad", "random-crop padding (pixels)");
        var flip = Make<bool?>("--flip", "random horizontal flips");
        var inputSize = Make<int?>("--input-size", "model input size (default: the data's own, else the model's)");
        var classes = Make<int?>("--classes", "number of classes (default: from the data)");
        var channels = Make<int?>("--in-channels", "input channels (default: from the data)");
        var seed = Make<long?>("--seed", "seed for weights, data order and augmentation");
        var initFrom = Make<string?>("--init-from", "start from these weights (.pth, .safetensors, .onnx or "
            + ".ckpt; their card's normalisation is used); outputs for another number of classes start afresh");
        var freeze = Make<string?>("--freeze", "parts not trained: stem, stages.N, stages.A..B or backbone (a "
            + "linear probe), comma-separated; their norms keep their statistics");
        var backboneLr = Make<double?>("--backbone-lr-scale", "the backbone's learning rate as a fraction of the "
            + "head's (fine-tuning, e.g. 0.1)");
        var deterministic = Make<bool>("--deterministic", "bit-identical reruns and resumes: the thread count is "
            + "recorded and reused (see docs/reproducibility.md)");
        var prefetch = Make<int?>("--prefetch", "batches prepared ahead in the background (0 = none)");
        var limitTrain = Make<int?>("--limit-train", "use only the first N training images");
        var limitTest = Make<int?>("--limit-test", "use only the first N test images");
        var anchors = Make<string?>("--anchors", "detectors: cfg (yolov3.cfg's, default), auto (k-means fitted to "
            + "the training boxes) or a file of width,height lines");
        var mosaic = Make<double?>("--mosaic", "detectors: chance of a four-picture mosaic per training image");
        var closeMosaic = Make<int?>("--close-mosaic", "detectors: train the last N epochs without mosaics");
        var shear = Make<double?>("--shear", "detectors: shear angles in degrees drawn from [-x, x] per axis");
        var multiScale = Make<double?>("--multi-scale", "detectors: each batch at a side drawn from [(1 - x) S, "
            + "(1 + x) S], a multiple of 32");
        var skipBad = Make<bool>("--skip-bad", "skip unreadable images or bad annotations, counting them");
        var outputDir = Make<string?>("--output", "run directory (default runs/MODEL-TIME)");
        var resume = Make<string?>("--resume", "continue a run (directory or checkpoint file) to its own epochs, "
            + "or to --epochs; --output continues it elsewhere");
        var force = Make<bool>("--force", "replace the run that --output already holds");
        var noTensorBoard = Make<bool>("--no-tensorboard", "do not write TensorBoard event files");
        var task = Make<ModelTask?>("--task", "classify or detect (default: what the model is)");
        var command = new Command("train", "Train a classifier or a detector; writes checkpoints, best weights, "
            + "metrics.csv/jsonl, curves.png and report.html into the run directory");
        command.Arguments.Add(model);
        foreach (Option option in new Option[] { data, recipe, epochs, batch, lr, optimizer, momentum, nesterov, wd,
            schedule, warmup, warmupBias, stepEvery, stepGamma, smoothing, clip, ema, augment, pad, flip, inputSize,
            classes, channels, seed, initFrom, freeze, backboneLr, deterministic, prefetch, limitTrain, limitTest,
            skipBad, anchors, mosaic, closeMosaic, shear, multiScale, outputDir, resume, force, noTensorBoard, task })
            command.Options.Add(option);
        command.SetAction(p =>
        {
            var request = new TrainRequest
            {
                Model = p.GetValue(model),
                Data = p.GetValue(data),
                Resume = p.GetValue(resume),
                Output = p.GetValue(outputDir),
                Force = p.GetValue(force),
                Task = ModelTasks.Name(p.GetValue(task)),
                Recipe = p.GetValue(recipe),
                Epochs = p.GetValue(epochs),
                BatchSize = p.GetValue(batch),
                LearningRate = p.GetValue(lr),
                Optimizer = p.GetValue(optimizer),
                Momentum = p.GetValue(momentum),
                Nesterov = p.GetValue(nesterov),
                WeightDecay = p.GetValue(wd),
                Schedule = p.GetValue(schedule),
                WarmupEpochs = p.GetValue(warmup),
                WarmupBiasLr = p.GetValue(warmupBias),
                StepEvery = p.GetValue(stepEvery),
                StepGamma = p.GetValue(stepGamma),
                LabelSmoothing = p.GetValue(smoothing),
                ClipGradNorm = p.GetValue(clip),
                EmaDecay = p.GetValue(ema),
                Augment = p.GetValue(augment),
                Pad = p.GetValue(pad),
                Flip = p.GetValue(flip),
                InputSize = p.GetValue(inputSize),
                Classes = p.GetValue(classes),
                InChannels = p.GetValue(channels),
                Seed = p.GetValue(seed),
                InitFrom = p.GetValue(initFrom),
                Freeze = p.GetValue(freeze),
                BackboneLrScale = p.GetValue(backboneLr),
                Deterministic = p.GetValue(deterministic),
                Prefetch = p.GetValue(prefetch),
                LimitTrain = p.GetValue(limitTrain),
                LimitTest = p.GetValue(limitTest),
                SkipBad = p.GetValue(skipBad),
                Anchors = p.GetValue(anchors),
                Mosaic = p.GetValue(mosaic),
                CloseMosaic = p.GetValue(closeMosaic),
                Shear = p.GetValue(shear),
                MultiScale = p.GetValue(multiScale),
            };
            var observers = new List<ITrainingObserver>
            {
                new ConsoleProgress(output, interactive: output == Console.Out && !Console.IsOutputRedirected),
                new RunReport(),
            };
            if (!p.GetValue(noTensorBoard))
                observers.Add(new TensorBoardLog());
            if (KillAtCommitStep.FromEnvironment() is { } killAt)
                observers.Add(killAt);
            var signals = StopSignals.Current;
            if (signals != null)
                signals.Graceful = true;
            var result = request.Run(observers, signals?.Token ?? default);
            if (result.SkippedImages > 0)
                output.WriteLine($"skipped {result.SkippedImages} unreadable images or bad annotations (--skip-bad)");
            var (state, dir) = (result.State, result.RunDirectory);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"best {ScoreName(state.Options)} {100 * state.BestScore:F2}% at epoch {state.BestEpoch} (final "
                    + $"{100 * result.FinalEval.Score:F2}%); weights: {Path.Combine(dir, Trainer.BestWeights)}; "
                    + $"report: {Path.Combine(dir, RunReport.Page)}"));
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static string ScoreName(TrainOptions options) =>
        options.Task == Models.ModelCard.Detect ? "mAP@0.5 (VOC07)" : "test top-1";
}
