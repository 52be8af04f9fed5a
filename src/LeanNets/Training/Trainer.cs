using System.Diagnostics;
using LeanNets.Data;
using LeanNets.Models;
using LeanNets.Reports;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>The result of a finished (or resumed and finished) run.</summary>
/// <param name="SkippedImages">unreadable images skipped with SkipBad, over every pass of this process.</param>
public sealed record TrainResult(string RunDirectory, TrainingState State, EvalResult FinalEval, int SkippedImages);

/// <summary>
/// Supervised training with checkpoints after every epoch. Everything random derives from the seed
/// (weights, data order, augmentation, dropout), so a resumed run continues exactly where it stopped.
/// </summary>
public static class Trainer
{
    public const string LastCheckpoint = "last.ckpt", BestCheckpoint = "best.ckpt";

    public static TrainResult Run(TrainOptions options, ITrainingObserver? observer = null, string? resumeFrom = null, CancellationToken cancel = default)
    {
        TrainingState? resumed = null;
        if (resumeFrom != null)
        {
            string path = Directory.Exists(resumeFrom) ? Path.Combine(resumeFrom, LastCheckpoint) : resumeFrom;
            resumed = Checkpoint.ReadState(path);
            // A resume continues the saved run; only the number of epochs may grow.
            options = resumed.Options with { Epochs = Math.Max(options.Epochs, resumed.Options.Epochs) };
            resumeFrom = path;
        }
        Validate(options);
        var format = DataSource.Detect(options.Data);
        var trainSet = DataSource.Load(options.Data, train: true, options.SkipBad, options.LimitTrain, format);
        var testSet = DataSource.Load(options.Data, train: false, options.SkipBad, options.LimitTest, format);
        int size = options.InputSize > 0 ? options.InputSize : DataSource.DefaultSize(trainSet);
        var trainLoader = new BatchLoader(trainSet, DataSource.Transform(format, true, size, options.Pad, options.Flip), options.BatchSize, true, options.Seed, options.Prefetch);
        var testLoader = new BatchLoader(testSet, DataSource.Transform(format, false, size, 0, false), options.BatchSize, false, options.Seed, options.Prefetch);

        string runDir = options.OutputDir.Length > 0 ? options.OutputDir
            : Path.Combine("runs", $"{options.Model}-{DateTime.Now:yyyyMMdd-HHmmss}");
        options = options with { OutputDir = runDir };
        Directory.CreateDirectory(runDir);

        torch.random.manual_seed(options.Seed);
        int classes = options.Classes ?? trainSet.NumClasses;
        if (classes != trainSet.NumClasses)
            throw new LeanNetsUsageException($"--classes {classes} does not match the data's {trainSet.NumClasses} classes");
        // Saved resolved, so evaluation and resume rebuild exactly this model.
        options = options with { Classes = classes, InChannels = options.InChannels ?? trainSet.Channels, InputSize = size };
        using var model = ModelRegistry.Create(options.Model, classes, options.InChannels);
        using var ema = options.EmaDecay > 0 ? ModelRegistry.Create(options.Model, classes, options.InChannels) : null;
        ema?.load_state_dict(model.state_dict());
        using var optimizer = OptimizerFactory.Create(model, options);

        var state = new TrainingState(options, 0, 0, 0, []);
        if (resumed != null)
        {
            state = Checkpoint.Load(resumeFrom!, model, optimizer, ema, restoreRng: true) with { Options = options };
        }

        int batches = trainLoader.BatchesPerEpoch;
        observer?.OnStart(runDir, options, state.CompletedEpochs, batches, Analysis.ModelProfiler.CountParams(model));
        EvalResult? lastEval = null;
        for (int epoch = state.CompletedEpochs; epoch < options.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var (trainLoss, trainTop1, lr, seconds, imagesPerSecond) = TrainEpoch(model, ema, optimizer, trainLoader, options, epoch, state.Step, observer, cancel);
            long step = state.Step + batches;
            lastEval = Evaluator.Evaluate(model, testLoader, epoch);
            double? emaTop1 = ema != null ? Evaluator.Evaluate(ema, testLoader, epoch).Top1 : null;
            var metrics = new EpochMetrics(epoch + 1, lr, trainLoss, trainTop1, lastEval.Loss, lastEval.Top1, lastEval.Top5, seconds, imagesPerSecond, emaTop1);
            bool best = lastEval.Top1 > state.BestTop1;
            state = state with
            {
                CompletedEpochs = epoch + 1, Step = step, BestTop1 = Math.Max(state.BestTop1, lastEval.Top1),
                History = [.. state.History, metrics],
            };
            Checkpoint.Save(Path.Combine(runDir, LastCheckpoint), state, model, optimizer, ema);
            if (best) AtomicFile.Copy(Path.Combine(runDir, LastCheckpoint), Path.Combine(runDir, BestCheckpoint));
            RunReport.Write(runDir, state);
            observer?.OnEpoch(metrics, best);
        }
        lastEval ??= Evaluator.Evaluate(model, testLoader, options.Epochs);
        return new TrainResult(runDir, state, lastEval, DataSource.SkippedImages(trainSet) + DataSource.SkippedImages(testSet));
    }

    private static (double Loss, double Top1, double LastLr, double Seconds, double ImagesPerSecond) TrainEpoch(
        Classifier model, Classifier? ema, OptimizerHelper optimizer, BatchLoader loader, TrainOptions o, int epoch, long step,
        ITrainingObserver? observer, CancellationToken cancel)
    {
        model.train();
        int batches = loader.BatchesPerEpoch, done = 0;
        long images = 0, correct = 0;
        double lossSum = 0, lr = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Epoch(epoch, cancel))
        {
            using (var scope = NewDisposeScope())
            {
                lr = LearningRateSchedule.At(o, step, batches);
                OptimizerFactory.SetLearningRate(optimizer, lr);
                var x = tensor(batch.Pixels).view(batch.Count, batch.Channels, batch.Size, batch.Size);
                var y = tensor(batch.Labels);
                var logits = model.call(x);
                var loss = nn.functional.cross_entropy(logits, y, label_smoothing: o.LabelSmoothing);
                optimizer.zero_grad();
                loss.backward();
                if (o.ClipGradNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), o.ClipGradNorm);
                optimizer.step();
                if (ema != null) UpdateEma(ema, model, o.EmaDecay);
                float lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                    throw new LeanNetsException($"training diverged at epoch {epoch + 1}, batch {done + 1} (loss {lossValue}); lower --lr (the last checkpoint is kept)");
                lossSum += lossValue * batch.Count;
                correct += Metrics.CorrectTopK(logits, y, 1)[0];
            }
            images += batch.Count;
            step++;
            done++;
            double rate = images / clock.Elapsed.TotalSeconds;
            var eta = TimeSpan.FromSeconds((batches - done) * clock.Elapsed.TotalSeconds / done);
            observer?.OnBatch(new BatchProgress(epoch + 1, o.Epochs, done, batches, lossSum / images, lr, rate, eta));
        }
        return (lossSum / images, (double)correct / images, lr, clock.Elapsed.TotalSeconds, images / clock.Elapsed.TotalSeconds);
    }

    private static void UpdateEma(nn.Module ema, nn.Module model, double decay)
    {
        using var _ = no_grad();
        foreach (var (e, p) in ema.parameters().Zip(model.parameters())) e.mul_(decay).add_(p, alpha: 1 - decay);
        foreach (var (e, b) in ema.buffers().Zip(model.buffers())) e.copy_(b);
    }

    private static void Validate(TrainOptions o)
    {
        ModelRegistry.Get(o.Model);
        if (o.Epochs <= 0) throw new LeanNetsUsageException($"--epochs must be positive, got {o.Epochs}");
        if (o.BatchSize <= 0) throw new LeanNetsUsageException($"--batch-size must be positive, got {o.BatchSize}");
        if (o.LearningRate <= 0 || !double.IsFinite(o.LearningRate)) throw new LeanNetsUsageException($"--lr must be positive, got {o.LearningRate}");
        if (o.LabelSmoothing is < 0 or >= 1) throw new LeanNetsUsageException($"--label-smoothing must be in [0, 1), got {o.LabelSmoothing}");
        if (o.EmaDecay is < 0 or >= 1) throw new LeanNetsUsageException($"--ema must be in [0, 1), got {o.EmaDecay}");
        if (o.WarmupEpochs < 0 || o.WarmupEpochs > o.Epochs) throw new LeanNetsUsageException($"--warmup must be between 0 and the epochs, got {o.WarmupEpochs}");
    }
}
