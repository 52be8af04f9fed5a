using System.Diagnostics;
using System.Globalization;
using LeanNets.Data.Detection;
using LeanNets.Interchange;
using LeanNets.IO;
using LeanNets.Measures;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Training.Detection;

/// <summary>What a detector training run does.</summary>
public sealed record DetectionTrainOptions
{
    public required string Model { get; init; }

    /// <summary>VOC-layout folder(s); several combine like VOC2007 + VOC2012.</summary>
    public required IReadOnlyList<string> Data { get; init; }
    public string TrainSplit { get; init; } = "train";
    public string EvalSplit { get; init; } = "val";
    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 8;

    /// <summary>Square input side, a multiple of 32.</summary>
    public int InputSize { get; init; } = DetectorRegistry.DefaultInputSize;
    public double LearningRate { get; init; } = 0.01;
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Linear warmup before the cosine decay: from-scratch detectors start with huge objectness
    /// losses.</summary>
    public double WarmupEpochs { get; init; } = 1;

    /// <summary>The global gradient norm is clipped to this (0: off).</summary>
    public double ClipGradNorm { get; init; } = 10;

    /// <summary>The schedule in classification's terms, so both share one implementation.</summary>
    internal TrainOptions AsTrainOptions() =>
        new()
        {
            Model = Model,
            Data = Data[0],
            LearningRate = LearningRate,
            Momentum = 0.9,
            Nesterov = true,
            WeightDecay = WeightDecay,
            Schedule = ScheduleKind.Cosine,
            WarmupEpochs = WarmupEpochs,
            Epochs = Epochs,
        };
    public long Seed { get; init; }
    public bool SkipBad { get; init; }

    /// <summary>Random zoom, shift, flip and colour jitter of training images (<see
    /// cref="DetectionAugmentation.None"/> turns them off).</summary>
    public DetectionAugmentation Augmentation { get; init; } = new();

    public void Validate()
    {
        Bounds.Require(Epochs is > 0 and <= 100_000, "epochs", Epochs, "1..100000");
        Bounds.Require(BatchSize is > 0 and <= 4096, "batch size", BatchSize, "1..4096");
        DetectorRegistry.RequireInputSize(InputSize);
        Bounds.Require(double.IsFinite(LearningRate) && LearningRate is > 0 and <= 10, "learning rate",
            LearningRate, "(0, 10]");
        Bounds.Require(WarmupEpochs >= 0 && WarmupEpochs <= Epochs, "warmup epochs", WarmupEpochs, $"0..{Epochs}");
        Bounds.Require(ClipGradNorm is >= 0 and <= 1e6, "gradient clipping norm", ClipGradNorm, "0..1e6");
        Augmentation.Validate();
        _ = DetectorRegistry.Get(Model);
    }
}

/// <summary>One epoch of a detector run.</summary>
public sealed record DetectionEpoch(
    int Epoch,
    double LearningRate,
    double Loss,
    double BoxLoss,
    double ObjectLoss,
    double ClassLoss,
    double Map07,
    double MapArea,
    double Seconds
)
{
    public string Describe(int epochs) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {Epoch}/{epochs}: loss {Loss:F3} (box {BoxLoss:F3}, obj {ObjectLoss:F3}, cls {ClassLoss:F3}), "
                + $"mAP@0.5 {100 * Map07:F1}% (VOC07) {100 * MapArea:F1}% (area), {Seconds:F0}s"
        );
}

/// <summary>An epoch committed to disk, with its full evaluation (per-class AP and precision-recall curves).
/// </summary>
public sealed record DetectionEpochEnd(
    string RunDirectory,
    DetectionRunState State,
    DetectionEpoch Metrics,
    bool Best,
    MapResult Voc07,
    MapResult Area
);

/// <summary>What front ends and reports hear from a detector run; every method is optional.</summary>
public interface IDetectionObserver : ICommitObserver
{
    void OnStart(string runDirectory, DetectionRunState state) { }
    void OnBatch(BatchProgress progress) { }
    void OnEpoch(DetectionEpochEnd end) { }
}

/// <param name="SkippedImages">images left out by <see cref="DetectionTrainOptions.SkipBad"/> (bad annotation or
/// missing file), training and evaluation splits together.</param>
public sealed record DetectionRun(string Directory, DetectionRunState State, int SkippedImages);

/// <summary>
/// Trains a detector on a VOC split and scores it on another after every epoch (VOC mAP@0.5, both methods):
/// SGD with Nesterov momentum (<see cref="NesterovSgd"/>), classification's schedule (warmup, cosine), gradient
/// clipping, letterboxed inputs, <see cref="DetectionAugmentation"/>. Each epoch ends with a commit like
/// classification's: last.ckpt (weights, momentum, state; atomic), then best.safetensors (portable weights of
/// the epoch with the best 11-point mAP) when the epoch is best. A killed run resumes from last.ckpt and
/// continues exactly as if it had not stopped; the run directory follows <see cref="RunDirectory"/>'s rules.
/// </summary>
public static class DetectionTrainer
{
    public const string LastCheckpoint = "last.ckpt",
        BestWeights = "best.safetensors",
        ClassesFile = "classes.txt";

    private static readonly string[] Checkpoints = [LastCheckpoint, BestWeights];

    public static DetectionRun Run(
        DetectionTrainOptions options,
        string runDirectory,
        IReadOnlyList<IDetectionObserver>? observers = null,
        bool force = false,
        CancellationToken cancel = default
    )
    {
        options.Validate();
        return RunDirectory.Start(runDirectory, force, Checkpoints,
            () => Train(options, runDirectory, resume: false, observers ?? [], cancel));
    }

    /// <summary>Continues a detector run to its own or a larger epoch count.</summary>
    public static DetectionRun Resume(
        ResumeRequest request,
        IReadOnlyList<IDetectionObserver>? observers = null,
        CancellationToken cancel = default
    )
    {
        string source = RunDirectory.Source(request);
        var saved = DetectionCheckpoint.ReadState(Path.Combine(source, LastCheckpoint)).Options;
        RunDirectory.RequireExpectedRun(request, source, saved.Model, saved.Data[0]);
        var options = saved with { Epochs = request.Epochs ?? saved.Epochs };
        options.Validate();
        return RunDirectory.Continue(request, source, Checkpoints, target =>
        {
            string classes = Path.Combine(source, ClassesFile);
            if (File.Exists(classes))
                AtomicFile.Copy(classes, Path.Combine(target, ClassesFile));
            int done = DetectionCheckpoint.ReadState(Path.Combine(target, LastCheckpoint)).CompletedEpochs;
            if (options.Epochs < done)
                throw new LeanNetsUsageException(
                    $"the run has completed {done} epochs; cannot resume to {options.Epochs}");
            return Train(options, target, resume: true, observers ?? [], cancel);
        });
    }

    private static DetectionRun Train(
        DetectionTrainOptions options,
        string runDirectory,
        bool resume,
        IReadOnlyList<IDetectionObserver> observers,
        CancellationToken cancel
    )
    {
        var train = VocDataset.Load(options.Data, options.TrainSplit, skipBad: options.SkipBad);
        var eval = VocDataset.Load(options.Data, options.EvalSplit, train.ClassNames, options.SkipBad);
        var trainBatches = new DetectionBatches(train, options.InputSize);
        var evalBatches = new DetectionBatches(eval, options.InputSize);
        manual_seed(options.Seed);
        using var model = DetectorRegistry.Get(options.Model).Create(train.ClassNames.Count);
        var loss = YoloLoss.For(model);
        var schedule = options.AsTrainOptions();
        using var optimizer = new NesterovSgd(model, 0.9, options.WeightDecay);
        int perEpoch = (int)Math.Ceiling((double)trainBatches.Count / options.BatchSize);
        string last = Path.Combine(runDirectory, LastCheckpoint), bestWeights = Path.Combine(runDirectory, BestWeights);
        var state = new DetectionRunState(options, 0, 0, [], train.ClassNames);
        if (resume)
        {
            state = DetectionCheckpoint.Load(last, model, optimizer) with { Options = options };
            if (!state.ClassNames.SequenceEqual(train.ClassNames))
                throw new LeanNetsUsageException($"{runDirectory} was trained on the classes "
                    + $"{string.Join(", ", state.ClassNames)}; the data now has {string.Join(", ", train.ClassNames)}");
            // A kill between last.ckpt and best.safetensors is finished here.
            if (state.BestEpoch == state.CompletedEpochs && state.CompletedEpochs > 0)
                WriteWeights(bestWeights, model, options, train.ClassNames);
        }
        AtomicFile.WriteAllText(Path.Combine(runDirectory, ClassesFile), string.Join('\n', train.ClassNames) + "\n");
        foreach (var o in observers)
            o.OnStart(runDirectory, state);
        for (int epoch = state.CompletedEpochs + 1; epoch <= options.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            model.train();
            double sum = 0, box = 0, obj = 0, cls = 0, lr = 0;
            int batches = 0, images = 0;
            long step = state.Step;
            foreach (var batch in trainBatches.Epoch(options.BatchSize, options.Augmentation, options.Seed + epoch))
            {
                cancel.ThrowIfCancellationRequested();
                using var _ = batch;
                using var scope = NewDisposeScope();
                lr = LearningRateSchedule.At(schedule, step++, perEpoch);
                optimizer.ZeroGrad();
                var terms = loss.Compute(model.forward(batch.Images), batch.Targets, options.InputSize);
                terms.Total.backward();
                if (options.ClipGradNorm > 0)
                    nn.utils.clip_grad_norm_(model.parameters(), options.ClipGradNorm);
                optimizer.Step(lr);
                double value = terms.Total.item<float>();
                if (!double.IsFinite(value))
                    throw new LeanNetsException($"training diverged: loss {value} in epoch {epoch}, batch "
                        + $"{batches + 1}; lower the learning rate (the last checkpoint is kept)");
                (sum, box, obj, cls, batches) = (sum + value, box + terms.Box, obj + terms.Objectness,
                    cls + terms.Class, batches + 1);
                images += batch.Ids.Count;
                double seconds = clock.Elapsed.TotalSeconds;
                var progress = new BatchProgress(epoch, options.Epochs, batches, perEpoch, step, sum / batches, lr,
                    images / seconds, TimeSpan.FromSeconds((perEpoch - batches) * seconds / batches));
                foreach (var o in observers)
                    o.OnBatch(progress);
            }
            var (map07, mapArea) = Evaluate(model, evalBatches, options.InputSize, eval.ClassNames.Count);
            var record = new DetectionEpoch(epoch, lr, sum / batches, box / batches, obj / batches, cls / batches,
                map07.Map, mapArea.Map, clock.Elapsed.TotalSeconds);
            bool best = state.History.Count == 0 || record.Map07 > state.History.Max(e => e.Map07);
            state = state with { CompletedEpochs = epoch, Step = step, History = [.. state.History, record] };
            Notify(observers, epoch, CommitSteps.BeforeCommit);
            DetectionCheckpoint.Save(last, state, model, optimizer);
            Notify(observers, epoch, CommitSteps.LastWritten);
            if (best)
                WriteWeights(bestWeights, model, options, train.ClassNames);
            Notify(observers, epoch, CommitSteps.BestWritten);
            foreach (var o in observers)
                o.OnEpoch(new DetectionEpochEnd(runDirectory, state, record, best, map07, mapArea));
        }
        return new DetectionRun(runDirectory, state, train.Skipped + eval.Skipped);
    }

    private static void Notify(IReadOnlyList<IDetectionObserver> observers, int epoch, string step)
    {
        foreach (var o in observers)
            o.OnCommitStep(epoch, step);
    }

    /// <summary>Portable weights with their card: the trained input size and class names travel with them.</summary>
    private static void WriteWeights(string path, YoloV3 model, DetectionTrainOptions options,
        IReadOnlyList<string> classNames)
    {
        using var state = WeightLoader.Export(model, options.Model, WeightNaming.LeanNets);
        WeightFile.Write(path, state, model.Card(options.Model, options.InputSize, classNames));
    }

    /// <summary>mAP@0.5 of a model on letterboxed batches, with the 11-point and the area method.</summary>
    public static (MapResult Voc07, MapResult Area) Evaluate(YoloV3 model, DetectionBatches batches, int inputSize,
        int classes)
    {
        model.eval();
        // A low threshold keeps the whole precision-recall curve, as the VOC evaluation expects.
        var decoder = new YoloDecoder(model.Anchors, classes) { ConfidenceThreshold = 0.01f };
        var found = new List<DetectedObject>();
        using (no_grad())
        {
            foreach (var batch in batches.Epoch(16, augment: null, 0))
            {
                using var _ = batch;
                using var raw = model.forward(batch.Images);
                foreach (var image in decoder.Decode(raw, inputSize, batch.Ids))
                    found.AddRange(image);
            }
        }
        var truth = batches.Truth().ToList();
        return (VocMap.Evaluate(found, truth, classes, ApMethod.Voc07ElevenPoint),
            VocMap.Evaluate(found, truth, classes, ApMethod.AllPoint));
    }
}
