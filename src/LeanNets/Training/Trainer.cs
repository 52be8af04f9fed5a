using System.Diagnostics;
using LeanNets.Data;
using LeanNets.Interchange;
using LeanNets.IO;
using LeanNets.Measures;
using LeanNets.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>The result of a finished (or resumed and finished) run.</summary>
/// <param name="SkippedImages">distinct unreadable images skipped with SkipBad.</param>
public sealed record TrainResult(string RunDirectory, TrainingState State, EvalResult FinalEval, int SkippedImages);

/// <summary>What a resume may change: only more epochs, another run directory; the rest must agree with the
/// run.</summary>
/// <param name="Model">the model the caller expects the run to hold (an error if it holds another).</param>
/// <param name="Data">the data folder the caller expects the run to use (an error if it used another).</param>
public sealed record ResumeRequest(
    string Run,
    int? Epochs = null,
    string? OutputDir = null,
    string? Model = null,
    string? Data = null,
    bool Force = false
);

/// <summary>
/// Supervised training with a checkpoint committed after every epoch. Everything random derives from the seed
/// (weights, data order, augmentation, dropout), so a resumed run continues exactly where it stopped.
/// </summary>
public static class Trainer
{
    public const string LastCheckpoint = "last.ckpt",
        BestCheckpoint = "best.ckpt";

    /// <summary>Starts a new run in <paramref name="runDirectory"/>; refuses a directory that holds a run unless
    /// forced.</summary>
    public static TrainResult Run(
        TrainOptions options,
        string runDirectory,
        IReadOnlyList<ITrainingObserver>? observers = null,
        bool force = false,
        CancellationToken cancel = default
    )
    {
        options.Validate();
        ModelRegistry.Get(options.Model);
        return RunDirectory.Start(
            runDirectory,
            force,
            Checkpoints,
            () => Train(options, runDirectory, null, observers ?? [], cancel)
        );
    }

    /// <summary>Continues a run from its directory (or a checkpoint file in it) to its own or a larger epoch
    /// count.</summary>
    public static TrainResult Resume(
        ResumeRequest request,
        IReadOnlyList<ITrainingObserver>? observers = null,
        CancellationToken cancel = default
    )
    {
        string source = RunDirectory.Source(request);
        var saved = Checkpoint.ReadState(Path.Combine(source, LastCheckpoint)).Options;
        RunDirectory.RequireExpectedRun(request, source, saved.Model, saved.Data);
        int epochs = request.Epochs ?? saved.Epochs;
        var options = saved with { Epochs = epochs };
        options.Validate();
        return RunDirectory.Continue(
            request,
            source,
            Checkpoints,
            target =>
            {
                var state = Checkpoint.ReadState(Path.Combine(target, LastCheckpoint));
                if (epochs < state.CompletedEpochs)
                    throw new LeanNetsUsageException(
                        $"the run has completed {state.CompletedEpochs} epochs; cannot resume to {epochs}"
                    );
                return Train(options, target, Path.Combine(target, LastCheckpoint), observers ?? [], cancel);
            }
        );
    }

    private static readonly string[] Checkpoints = [BestCheckpoint, LastCheckpoint];

    /// <summary>The checkpoint a resume of <paramref name="run"/> (a run directory or a file in it) continues
    /// from, whichever trainer wrote it.</summary>
    public static string LastCheckpointOf(string run) =>
        Path.Combine(RunDirectory.Source(new ResumeRequest(run)), LastCheckpoint);

    private static TrainResult Train(
        TrainOptions options,
        string runDir,
        string? resumeFrom,
        IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel
    )
    {
        if (options.Deterministic)
        {
            // CPU kernels repeat exactly for a fixed thread count: the run records it and every resume uses it.
            options = options with
            {
                Threads = options.Threads ?? torch.get_num_threads(),
            };
            torch.set_num_threads(options.Threads.Value);
        }
        var (format, trainSet, testSet) = DataSource.LoadPair(
            options.Data,
            options.SkipBad,
            options.LimitTrain,
            options.LimitTest
        );
        int classes = options.Classes ?? trainSet.NumClasses;
        if (classes != trainSet.NumClasses)
            throw new LeanNetsUsageException($"{classes} classes asked for but the data has {trainSet.NumClasses}");
        if (options.InChannels is int channels && channels != trainSet.Channels)
            throw new LeanNetsUsageException(
                $"{channels} input channels asked for but the data has {trainSet.Channels}"
            );
        var data = DataConfig.Resolve(format, trainSet, options.InputSize, options.Augment, options.Pad, options.Flip,
            ModelRegistry.Get(options.Model).DefaultInput.Height);
        // Saved resolved, so evaluation and resume rebuild exactly this model.
        options = options with
        {
            Classes = classes,
            InChannels = trainSet.Channels,
            InputSize = data.InputSize,
        };
        var trainLoader = new BatchLoader(
            trainSet,
            data.TrainTransform(),
            options.BatchSize,
            true,
            options.Seed,
            options.Prefetch
        );
        var testLoader = new BatchLoader(
            testSet,
            data.EvalTransform(),
            options.BatchSize,
            false,
            options.Seed,
            options.Prefetch
        );

        torch.random.manual_seed(options.Seed);
        using var model = ModelRegistry.Create(options.Model, classes, options.InChannels);
        MemoryEstimate.RequireFits(
            model,
            new InputShape(data.Channels, data.InputSize, data.InputSize),
            options.BatchSize
        );
        string? initialized = resumeFrom == null && options.InitFrom is string init
            ? FineTuning.InitializeFrom(model, options.Model, init).Describe()
            : null;
        using var ema = options.EmaDecay > 0 ? ModelRegistry.Create(options.Model, classes, options.InChannels) : null;
        ema?.load_state_dict(model.state_dict());
        using var optimizer = OptimizerFactory.Create(model, options);

        var state = new TrainingState(options, 0, 0, []) { Data = data, ClassNames = trainSet.ClassNames };
        if (resumeFrom != null)
        {
            state = Checkpoint.Load(resumeFrom, model, optimizer, ema, restoreRng: true) with
            {
                Options = options,
                Data = data,
                ClassNames = trainSet.ClassNames,
            };
            FinishCommit(runDir, state);
        }

        int batches = trainLoader.BatchesPerEpoch;
        var sample = new BatchLoader(
            trainSet,
            data.TrainTransform(),
            Math.Min(16, trainSet.Count),
            false,
            options.Seed,
            0
        )
            .Epoch(0)
            .First();
        var start = new TrainingStart(runDir, state, batches, ModelProfiler.CountParams(model), model, sample)
        {
            InitializedFrom = initialized,
        };
        foreach (var o in observers)
            o.OnStart(start);
        EvalResult? lastEval = null;
        var step = new TrainStep(model, optimizer, options, ema);
        for (int epoch = state.CompletedEpochs; epoch < options.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var (trainLoss, trainTop1, lr, seconds, imagesPerSecond) = TrainEpoch(
                step,
                model,
                trainLoader,
                options,
                epoch,
                state.Step,
                observers,
                cancel
            );
            lastEval = Evaluator.Evaluate(model, testLoader, epoch);
            RequireFinite(lastEval.Loss, $"test loss after epoch {epoch + 1}");
            double? emaTop1 = ema != null ? Evaluator.Evaluate(ema, testLoader, epoch).Top1 : null;
            var metrics = new EpochMetrics(
                epoch + 1,
                lr,
                trainLoss,
                trainTop1,
                lastEval.Loss,
                lastEval.Top1,
                lastEval.Top5,
                seconds,
                imagesPerSecond,
                emaTop1
            );
            bool best = lastEval.Top1 > state.BestTop1 || state.History.Count == 0;
            state = state with
            {
                CompletedEpochs = epoch + 1,
                Step = state.Step + batches,
                History = [.. state.History, metrics],
            };
            foreach (var o in observers)
                o.OnCommitStep(epoch + 1, CommitSteps.BeforeCommit);
            Commit(runDir, state, model, optimizer, ema, best, observers);
            foreach (var o in observers)
                o.OnEpoch(new EpochEnd(runDir, state, metrics, best, model));
        }
        lastEval ??= Evaluator.Evaluate(model, testLoader, options.Epochs);
        return new TrainResult(
            runDir,
            state,
            lastEval,
            DataSource.SkippedImages(trainSet) + DataSource.SkippedImages(testSet)
        );
    }

    /// <summary>
    /// The end-of-epoch commit: last.ckpt (atomic) records the epoch and which epoch is best; then best.ckpt is
    /// copied from it. A kill between the two is finished by the next resume (<see cref="FinishCommit"/>).
    /// </summary>
    private static void Commit(
        string runDir,
        TrainingState state,
        nn.Module model,
        OptimizerHelper optimizer,
        nn.Module? ema,
        bool best,
        IReadOnlyList<ICommitObserver> observers
    )
    {
        Checkpoint.Save(Path.Combine(runDir, LastCheckpoint), state, model, optimizer, ema);
        foreach (var o in observers)
            o.OnCommitStep(state.CompletedEpochs, CommitSteps.LastWritten);
        if (best)
            AtomicFile.Copy(Path.Combine(runDir, LastCheckpoint), Path.Combine(runDir, BestCheckpoint));
        foreach (var o in observers)
            o.OnCommitStep(state.CompletedEpochs, CommitSteps.BestWritten);
    }

    /// <summary>Redoes the best.ckpt copy when the last commit stopped before it.</summary>
    private static void FinishCommit(string runDir, TrainingState state)
    {
        if (state.BestEpoch != state.CompletedEpochs || state.CompletedEpochs == 0)
            return;
        string best = Path.Combine(runDir, BestCheckpoint);
        bool current = File.Exists(best) && ReadEpochOrNull(best) == state.CompletedEpochs;
        if (!current)
            AtomicFile.Copy(Path.Combine(runDir, LastCheckpoint), best);
    }

    private static int? ReadEpochOrNull(string checkpoint)
    {
        try
        {
            return Checkpoint.ReadState(checkpoint).CompletedEpochs;
        }
        catch (LeanNetsException)
        {
            return null;
        }
    }

    private static (double Loss, double Top1, double LastLr, double Seconds, double ImagesPerSecond) TrainEpoch(
        TrainStep step,
        nn.Module model,
        BatchLoader loader,
        TrainOptions o,
        int epoch,
        long globalStep,
        IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel
    )
    {
        model.train();
        int batches = loader.BatchesPerEpoch,
            done = 0;
        long images = 0,
            correct = 0;
        double lossSum = 0,
            lr = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Epoch(epoch, cancel))
        {
            lr = LearningRateSchedule.At(o, globalStep, batches);
            var result = step.Run(batch, lr);
            RequireFinite(result.Loss, $"training loss at epoch {epoch + 1}, batch {done + 1}");
            lossSum += result.Loss * batch.Count;
            correct += result.Correct;
            images += batch.Count;
            globalStep++;
            done++;
            double rate = images / clock.Elapsed.TotalSeconds;
            var eta = TimeSpan.FromSeconds((batches - done) * clock.Elapsed.TotalSeconds / done);
            var progress = new BatchProgress(
                epoch + 1,
                o.Epochs,
                done,
                batches,
                globalStep,
                lossSum / images,
                lr,
                rate,
                eta
            );
            foreach (var observer in observers)
                observer.OnBatch(progress);
        }
        return (
            lossSum / images,
            (double)correct / images,
            lr,
            clock.Elapsed.TotalSeconds,
            images / clock.Elapsed.TotalSeconds
        );
    }

    private static void RequireFinite(double value, string what)
    {
        if (!double.IsFinite(value))
            throw new LeanNetsException(
                $"training diverged: {what} is {value}; lower the learning rate (the last checkpoint is kept)"
            );
    }
}
