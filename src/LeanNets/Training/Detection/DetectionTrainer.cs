using System.Diagnostics;
using LeanNets.Analysis.Detection;
using LeanNets.Data.Detection;
using LeanNets.Inference.Detection;
using LeanNets.Interchange;
using LeanNets.IO;
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
    public int InputSize { get; init; } = 416;
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

    public void Validate()
    {
        Bounds.Require(Epochs is > 0 and <= 100_000, "epochs", Epochs, "1..100000");
        Bounds.Require(BatchSize is > 0 and <= 4096, "batch size", BatchSize, "1..4096");
        Bounds.Require(InputSize is >= 32 and <= 4096 && InputSize % 32 == 0, "input size", InputSize,
            "a multiple of 32 in 32..4096");
        Bounds.Require(double.IsFinite(LearningRate) && LearningRate is > 0 and <= 10, "learning rate",
            LearningRate, "(0, 10]");
        Bounds.Require(WarmupEpochs >= 0 && WarmupEpochs <= Epochs, "warmup epochs", WarmupEpochs, $"0..{Epochs}");
        Bounds.Require(ClipGradNorm is >= 0 and <= 1e6, "gradient clipping norm", ClipGradNorm, "0..1e6");
        _ = DetectorRegistry.Get(Model);
    }
}

/// <summary>One epoch of a detector run.</summary>
public sealed record DetectionEpoch(int Epoch, double Loss, double BoxLoss, double ObjectLoss, double ClassLoss,
    double Map07, double MapArea, double Seconds);

public sealed record DetectionRun(string Directory, IReadOnlyList<DetectionEpoch> History, MapResult Final);

/// <summary>
/// Trains a detector on a VOC split and scores it on another after every epoch (VOC mAP@0.5, both methods):
/// SGD with Nesterov momentum (<see cref="NesterovSgd"/>), classification's schedule (warmup, cosine), gradient
/// clipping, letterboxed inputs, random flips. The run directory gets best.safetensors (the
/// epoch with the best 11-point mAP), last.safetensors, metrics.jsonl and the class names, each written
/// atomically.
/// </summary>
public static class DetectionTrainer
{
    public static DetectionRun Run(DetectionTrainOptions options, string runDirectory, Action<string>? progress = null)
    {
        options.Validate();
        var train = VocDataset.Load(options.Data, options.TrainSplit, skipBad: options.SkipBad);
        var eval = VocDataset.Load(options.Data, options.EvalSplit, train.ClassNames, options.SkipBad);
        progress?.Invoke($"{options.Model}: {train.Count} training images, {eval.Count} evaluation images, "
            + $"classes {string.Join(", ", train.ClassNames)}");
        var trainBatches = new DetectionBatches(train, options.InputSize);
        var evalBatches = new DetectionBatches(eval, options.InputSize);
        manual_seed(options.Seed);
        using var model = DetectorRegistry.Get(options.Model).Create(train.ClassNames.Count);
        var loss = YoloLoss.For(model);
        var schedule = options.AsTrainOptions();
        using var optimizer = new NesterovSgd(model, 0.9, options.WeightDecay);
        int perEpoch = (int)Math.Ceiling((double)trainBatches.Count / options.BatchSize);
        long step = 0;
        Directory.CreateDirectory(runDirectory);
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "classes.txt"), string.Join('\n', train.ClassNames) + "\n");
        var history = new List<DetectionEpoch>();
        MapResult? best = null;
        var lines = new List<string>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            double sum = 0, box = 0, obj = 0, cls = 0;
            int batches = 0;
            foreach (var batch in trainBatches.Epoch(options.BatchSize, train: true, options.Seed + epoch))
            {
                using var _ = batch;
                using var scope = NewDisposeScope();
                double lr = LearningRateSchedule.At(schedule, step++, perEpoch);
                optimizer.ZeroGrad();
                var terms = loss.Compute(model.forward(batch.Images), batch.Targets, options.InputSize);
                terms.Total.backward();
                if (options.ClipGradNorm > 0)
                    nn.utils.clip_grad_norm_(model.parameters(), options.ClipGradNorm);
                optimizer.Step(lr);
                double value = terms.Total.item<float>();
                if (!double.IsFinite(value))
                    throw new LeanNetsException($"training diverged (loss {value} in epoch {epoch})");
                (sum, box, obj, cls, batches) = (sum + value, box + terms.Box, obj + terms.Objectness,
                    cls + terms.Class, batches + 1);
            }
            var (map07, mapArea) = Evaluate(model, evalBatches, options.InputSize, eval.ClassNames.Count);
            var record = new DetectionEpoch(epoch, sum / batches, box / batches, obj / batches, cls / batches,
                map07.Map, mapArea.Map, clock.Elapsed.TotalSeconds);
            history.Add(record);
            lines.Add(JsonFile.SerializeLine(record));
            AtomicFile.WriteAllText(Path.Combine(runDirectory, "metrics.jsonl"), string.Join('\n', lines) + "\n");
            using (var state = WeightLoader.Export(model, options.Model, WeightNaming.LeanNets))
            {
                WeightFile.Write(Path.Combine(runDirectory, "last.safetensors"), state);
                if (best == null || map07.Map > best.Map)
                {
                    best = map07;
                    WeightFile.Write(Path.Combine(runDirectory, "best.safetensors"), state);
                }
            }
            progress?.Invoke(Describe(record, options.Epochs));
        }
        return new DetectionRun(runDirectory, history, best!);
    }

    private static string Describe(DetectionEpoch e, int epochs) =>
        string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"epoch {e.Epoch}/{epochs}: loss {e.Loss:F3} (box {e.BoxLoss:F3}, obj {e.ObjectLoss:F3}, "
                + $"cls {e.ClassLoss:F3}), mAP@0.5 {100 * e.Map07:F1}% (VOC07) {100 * e.MapArea:F1}% (area), "
                + $"{e.Seconds:F0}s"
        );

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
            foreach (var batch in batches.Epoch(16, train: false, 0))
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
