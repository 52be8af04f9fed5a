using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets train MODEL --data DIR`: a recipe by name, any value overridable, resumable.</summary>
public static class TrainCommand
{
    private sealed class Overrides
    {
        public Option<string> Data { get; } = new("--data") { Description = "dataset folder: IDX (Fashion-MNIST), CIFAR binary, or ImageFolder with train/ and val/", Required = true };
        public Option<string> Recipe { get; } = new("--recipe") { Description = $"training recipe: {string.Join(", ", Recipes.All.Keys)}", DefaultValueFactory = _ => "default" };
        public Option<int?> Epochs { get; } = new("--epochs") { Description = "epochs to train" };
        public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "images per batch" };
        public Option<double?> Lr { get; } = new("--lr") { Description = "peak learning rate" };
        public Option<OptimizerKind?> Optimizer { get; } = new("--optimizer") { Description = "sgd or adamw" };
        public Option<double?> Momentum { get; } = new("--momentum") { Description = "SGD momentum" };
        public Option<bool?> Nesterov { get; } = new("--nesterov") { Description = "Nesterov momentum" };
        public Option<double?> WeightDecay { get; } = new("--wd") { Description = "weight decay (not applied to biases and BN)" };
        public Option<ScheduleKind?> Schedule { get; } = new("--schedule") { Description = "cosine, step or constant" };
        public Option<double?> Warmup { get; } = new("--warmup") { Description = "linear warmup epochs" };
        public Option<int?> StepEvery { get; } = new("--step-every") { Description = "step schedule: epochs between decays" };
        public Option<double?> StepGamma { get; } = new("--step-gamma") { Description = "step schedule: decay factor" };
        public Option<double?> LabelSmoothing { get; } = new("--label-smoothing") { Description = "label smoothing of the cross-entropy" };
        public Option<double?> ClipGrad { get; } = new("--clip-grad") { Description = "clip the gradient norm (0 = off)" };
        public Option<double?> Ema { get; } = new("--ema") { Description = "EMA decay of the weights per step (0 = off), e.g. 0.999" };
        public Option<int?> Pad { get; } = new("--pad") { Description = "random-crop padding (pixels)" };
        public Option<bool?> Flip { get; } = new("--flip") { Description = "random horizontal flips" };
        public Option<int?> InputSize { get; } = new("--input-size") { Description = "model input size (default: the data's own)" };
        public Option<int?> Classes { get; } = new("--classes") { Description = "number of classes (default: from the data)" };
        public Option<int?> InChannels { get; } = new("--in-channels") { Description = "input channels (default: from the data)" };
        public Option<long?> Seed { get; } = new("--seed") { Description = "seed for weights, data order and augmentation" };
        public Option<bool> Deterministic { get; } = new("--deterministic") { Description = "repeatable run (seed 0 unless given)" };
        public Option<int?> Prefetch { get; } = new("--prefetch") { Description = "batches prepared ahead in the background (0 = none)" };
        public Option<int?> LimitTrain { get; } = new("--limit-train") { Description = "use only the first N training images" };
        public Option<int?> LimitTest { get; } = new("--limit-test") { Description = "use only the first N test images" };
        public Option<bool> SkipBad { get; } = new("--skip-bad") { Description = "skip unreadable images (ImageFolder), counting them" };
        public Option<string?> Output { get; } = new("--output") { Description = "run directory (default runs/MODEL-TIME)" };
        public Option<string?> Resume { get; } = new("--resume") { Description = "continue from a run directory or checkpoint file" };

        public IEnumerable<Option> All() =>
        [
            Data, Recipe, Epochs, BatchSize, Lr, Optimizer, Momentum, Nesterov, WeightDecay, Schedule, Warmup, StepEvery, StepGamma,
            LabelSmoothing, ClipGrad, Ema, Pad, Flip, InputSize, Classes, InChannels, Seed, Deterministic, Prefetch, LimitTrain,
            LimitTest, SkipBad, Output, Resume,
        ];

        public TrainOptions Build(ParseResult r, string model)
        {
            var o = new TrainOptions { Model = model, Data = r.GetValue(Data)!, BatchSize = r.GetValue(BatchSize) ?? 128 };
            o = Recipes.Apply(r.GetValue(Recipe)!, o);
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
                Deterministic = r.GetValue(Deterministic),
                Prefetch = r.GetValue(Prefetch) ?? o.Prefetch,
                LimitTrain = r.GetValue(LimitTrain) ?? 0,
                LimitTest = r.GetValue(LimitTest) ?? 0,
                SkipBad = r.GetValue(SkipBad),
                OutputDir = r.GetValue(Output) ?? "",
            };
        }
    }

    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "registry name, e.g. vgnetg_1_0mp_cifar" };
        var overrides = new Overrides();
        var command = new Command("train", "Train a model; writes checkpoints, metrics.csv/jsonl, curves.png and report.html into the run directory");
        command.Arguments.Add(model);
        foreach (var option in overrides.All()) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var options = overrides.Build(parsed, parsed.GetValue(model)!);
            var progress = new ConsoleProgress(output, interactive: output == Console.Out && !Console.IsOutputRedirected);
            var result = Trainer.Run(options, progress, parsed.GetValue(overrides.Resume));
            if (result.SkippedImages > 0) output.WriteLine($"skipped {result.SkippedImages} unreadable images (--skip-bad)");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"final test top-1 {100 * result.FinalEval.Top1:F2}% (best {100 * result.State.BestTop1:F2}%); report: {Path.Combine(result.RunDirectory, "report.html")}"));
            return LeanNetsCli.Success;
        });
        return command;
    }
}
