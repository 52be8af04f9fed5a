using System.Diagnostics;
using LeanNets.Interchange;
using LeanNets.IO;
using LeanNets.Measures;
using LeanNets.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>The result of a finished (or resumed and finished) run.</summary>
/// <param name="FinalEval">the last epoch's evaluation (the final model's, when no epoch was left to train).</param>
/// <param name="SkippedImages">distinct unreadable images skipped with SkipBad.</param>
public sealed record TrainResult(string RunDirectory, TrainingState State, TaskEvaluation FinalEval, int SkippedImages);

/// <summary>What a resume may change: only more epochs, another run directory; the rest must agree with the
/// run.</summary>
/// <param name="Model">the model the caller expects the run to hold (an error if it holds another).</param>
/// <param name="Data">the data folder the caller expects the run to use (an error if it used another).</param>
/// <param name="Task">the task the caller expects the run to train (an error if its model has another).</param>
public sealed record ResumeRequest(
    string Run,
    int? Epochs = null,
    string? OutputDir = null,
    string? Model = null,
    string? Data = null,
    bool Force = false,
    string? Task = null
);

/// <summary>
/// The training engine of every task (<see cref="ITrainingTask"/>: classification, detection). It owns the
/// loop: the schedule, the optimizer, gradient clipping, the weights' moving average, the divergence and memory
/// checks, fine-tuning's start, deterministic threads, and a commit after every epoch: last.ckpt (atomic), then,
/// when the epoch is the best so far (on the EMA's score when the run keeps one), best.ckpt (a copy) and
/// best.safetensors (portable weights, the EMA's when kept, with their model card). Everything random derives
/// from the seed (weights, data order, augmentation, dropout), so a killed run resumes exactly where it stopped.
/// </summary>
public static class Trainer
{
    public const string LastCheckpoint = "last.ckpt",
        BestCheckpoint = "best.ckpt",
        BestWeights = "best.safetensors",
        ClassesFile = "classes.txt";

    private static readonly string[] Checkpoints = [BestCheckpoint, BestWeights, LastCheckpoint];

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
        if (options.InitFrom != null && !File.Exists(options.InitFrom))
            throw new LeanNetsUsageException($"--init-from {options.InitFrom}: no such file");
        return RunDirectory.Start(
            runDirectory,
            force,
            Checkpoints,
            () => Train(options, runDirectory, resume: false, observers ?? [], cancel)
        );
    }

    /// <summary>Continues a run from its directory (or a checkpoint file in it) to its own or a larger epoch
    /// count; the run says what it trains.</summary>
    public static TrainResult Resume(
        ResumeRequest request,
        IReadOnlyList<ITrainingObserver>? observers = null,
        CancellationToken cancel = default
    )
    {
        string source = RunDirectory.Source(request);
        var saved = Checkpoint.ReadState(Path.Combine(source, LastCheckpoint)).Options;
        RunDirectory.RequireExpectedRun(request, source, saved.Model, saved.Data);
        TrainingTasks.Of(saved.Model, request.Task);
        var options = saved with { Epochs = request.Epochs ?? saved.Epochs };
        options.Validate();
        return RunDirectory.Continue(
            request,
            source,
            Checkpoints,
            target =>
            {
                int done = Checkpoint.ReadState(Path.Combine(target, LastCheckpoint)).CompletedEpochs;
                if (options.Epochs < done)
                    throw new LeanNetsUsageException(
                        $"the run has completed {done} epochs; cannot resume to {options.Epochs}"
                    );
                return Train(options, target, resume: true, observers ?? [], cancel);
            }
        );
    }

    /// <summary>The run directory a new run gets by default: runs/MODEL-TIME.</summary>
    public static string DefaultRunDirectory(string model) =>
        Path.Combine("runs", $"{model}-{DateTime.Now:yyyyMMdd-HHmmss}");

    private static TrainResult Train(
        TrainOptions options,
        string runDir,
        bool resume,
        IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel
    )
    {
        if (options.Deterministic)
        {
            // CPU kernels repeat exactly for a fixed thread count: the run records it and every resume uses it.
            options = options with { Threads = options.Threads ?? torch.get_num_threads() };
            torch.set_num_threads(options.Threads.Value);
        }
        using var task = TrainingTasks.Open(options);
        // Saved resolved, so evaluation and resume rebuild exactly this model.
        options = task.Options;
        torch.random.manual_seed(options.Seed);
        using var model = task.CreateModel();
        var input = new InputShape(task.Input.Channels, task.LargestTrainingSide, task.LargestTrainingSide);
        MemoryEstimate.RequireFits(model, input, options.BatchSize);
        string? initialized = !resume && options.InitFrom is string init ? task.InitializeFrom(model, init) : null;
        using var ema = options.EmaDecay > 0 ? task.CreateModel() : null;
        ema?.load_state_dict(model.state_dict());
        long parameters = ModelProfiler.CountParams(model);
        // Before the optimizer, which takes only the parameters that train.
        var freezing = Freezing.Apply(model, options.Freeze);
        using var optimizer = new Optimizer(model, options);

        var state = new TrainingState(options, 0, 0, []) { Data = task.Input, ClassNames = task.ClassNames };
        var card = TrainingTasks.Card(options, task.Input, task.ClassNames, model);
        if (resume)
        {
            var saved = Checkpoint.Load(Path.Combine(runDir, LastCheckpoint), model, optimizer, ema, restoreRng: true);
            if (saved.ClassNames is { } names && !names.SequenceEqual(task.ClassNames))
                throw new LeanNetsUsageException(
                    $"{runDir} was trained on the classes {string.Join(", ", names)}; the data now has "
                        + string.Join(", ", task.ClassNames)
                );
            state = saved with { Options = options, Data = task.Input, ClassNames = task.ClassNames };
            FinishCommit(runDir, state, ema ?? model, card);
        }
        AtomicFile.WriteAllText(Path.Combine(runDir, ClassesFile), string.Join('\n', task.ClassNames) + "\n");

        using (var sample = task.SampleImages())
        {
            var start = new TrainingStart(runDir, state, task.BatchesPerEpoch, parameters, model, sample)
            {
                InitializedFrom = initialized,
                Notes = freezing.Describe(options.BackboneLrScale) is { } tuning ? [.. task.Notes, tuning] : task.Notes,
            };
            foreach (var o in observers)
                o.OnStart(start);
        }
        TaskEvaluation? lastEval = null;
        try
        {
            (state, lastEval) = TrainEpochs(task, runDir, model, optimizer, ema, freezing, card, state, observers,
                cancel);
        }
        catch (OperationCanceledException e) when (cancel.IsCancellationRequested)
        {
            throw new TrainingStoppedException(runDir, ReadEpochOrNull(Path.Combine(runDir, LastCheckpoint)) ?? 0, e);
        }
        lastEval ??= task.Evaluate(model, options.Epochs);
        return new TrainResult(runDir, state, lastEval, task.SkippedImages);
    }

    private static (TrainingState, TaskEvaluation?) TrainEpochs(
        ITrainingTask task,
        string runDir,
        nn.Module<Tensor, Tensor> model,
        Optimizer optimizer,
        nn.Module<Tensor, Tensor>? ema,
        Freezing freezing,
        ModelCard card,
        TrainingState state,
        IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel
    )
    {
        var options = task.Options;
        TaskEvaluation? lastEval = null;
        for (int epoch = state.CompletedEpochs; epoch < options.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var trained = TrainEpoch(task, model, optimizer, ema, freezing, epoch, state.Step, observers, cancel);
            lastEval = task.Evaluate(model, epoch);
            foreach (var (name, value) in lastEval.Metrics)
                RequireFinite(value, $"{name} after epoch {epoch + 1}");
            double? emaScore = ema != null ? task.Evaluate(ema, epoch).Score : null;
            var metrics = new EpochMetrics(epoch + 1, trained.LearningRate, trained.Loss,
                trained.Terms.Concat(lastEval.Metrics).ToDictionary(t => t.Name, t => t.Value), lastEval.Score,
                trained.Seconds, trained.ImagesPerSecond, emaScore);
            bool best = state.History.Count == 0 || metrics.Selection > state.BestScore;
            state = state with
            {
                CompletedEpochs = epoch + 1,
                Step = trained.Step,
                History = [.. state.History, metrics],
            };
            foreach (var o in observers)
                o.OnCommitStep(epoch + 1, CommitSteps.BeforeCommit);
            Commit(runDir, state, model, optimizer, ema, best ? card : null, observers);
            var end = new EpochEnd(runDir, state, metrics, best, model, lastEval, task.Describe(metrics));
            foreach (var o in observers)
                o.OnEpoch(end);
        }
        return (state, lastEval);
    }

    /// <summary>
    /// The end-of-epoch commit: last.ckpt (atomic) records the epoch and which epoch is best; then, for a best
    /// epoch (<paramref name="bestCard"/> given), best.ckpt is copied from it and best.safetensors written. A kill
    /// between the steps is finished by the next resume (<see cref="FinishCommit"/>).
    /// </summary>
    private static void Commit(
        string runDir,
        TrainingState state,
        nn.Module<Tensor, Tensor> model,
        Optimizer optimizer,
        nn.Module<Tensor, Tensor>? ema,
        ModelCard? bestCard,
        IReadOnlyList<ICommitObserver> observers
    )
    {
        Checkpoint.Save(Path.Combine(runDir, LastCheckpoint), state, model, optimizer, ema);
        foreach (var o in observers)
            o.OnCommitStep(state.CompletedEpochs, CommitSteps.LastWritten);
        if (bestCard != null)
            WriteBest(runDir, ema ?? model, bestCard);
        foreach (var o in observers)
            o.OnCommitStep(state.CompletedEpochs, CommitSteps.BestWritten);
    }

    /// <summary>best.safetensors, then best.ckpt: the checkpoint's epoch then says both are done.</summary>
    private static void WriteBest(string runDir, nn.Module<Tensor, Tensor> model, ModelCard card)
    {
        using (var weights = WeightLoader.Export(model, card.Model, WeightNaming.LeanNets))
            WeightFile.Write(Path.Combine(runDir, BestWeights), weights, card);
        AtomicFile.Copy(Path.Combine(runDir, LastCheckpoint), Path.Combine(runDir, BestCheckpoint));
    }

    /// <summary>Redoes the best files when the last commit stopped before them (the model, or the EMA when the run
    /// keeps one, holds the last epoch's weights, which are the best ones then).</summary>
    private static void FinishCommit(string runDir, TrainingState state, nn.Module<Tensor, Tensor> model,
        ModelCard card)
    {
        if (state.BestEpoch != state.CompletedEpochs || state.CompletedEpochs == 0)
            return;
        string best = Path.Combine(runDir, BestCheckpoint);
        bool current = File.Exists(best) && ReadEpochOrNull(best) == state.CompletedEpochs;
        if (!current)
            WriteBest(runDir, model, card);
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

    private sealed record EpochTraining(
        double Loss,
        IReadOnlyList<(string Name, double Value)> Terms,
        double LearningRate,
        long Step,
        double Seconds,
        double ImagesPerSecond
    );

    private static EpochTraining TrainEpoch(
        ITrainingTask task,
        nn.Module<Tensor, Tensor> model,
        Optimizer optimizer,
        nn.Module<Tensor, Tensor>? ema,
        Freezing freezing,
        int epoch,
        long step,
        IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel
    )
    {
        var o = task.Options;
        model.train();
        freezing.KeepFrozenInEval();
        int batches = task.BatchesPerEpoch,
            done = 0;
        long images = 0;
        double lossSum = 0,
            lr = 0;
        var termSums = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        foreach (var batch in task.Epoch(epoch, cancel))
        {
            using var _ = batch;
            cancel.ThrowIfCancellationRequested();
            lr = LearningRateSchedule.At(o, step, batches);
            double loss;
            using (var scope = NewDisposeScope())
            {
                var result = task.Loss(model, batch);
                optimizer.ZeroGrad();
                result.Total.backward();
                if (o.ClipGradNorm > 0)
                    nn.utils.clip_grad_norm_(model.parameters(), o.ClipGradNorm);
                optimizer.Step(lr, LearningRateSchedule.BiasAt(o, step, batches));
                if (ema != null)
                    UpdateEma(ema, model, o.EmaDecay);
                loss = result.Total.item<float>();
                foreach (var (name, value) in result.Terms)
                    termSums[name] = termSums.GetValueOrDefault(name) + value * batch.Count;
            }
            RequireFinite(loss, $"training loss at epoch {epoch + 1}, batch {done + 1}");
            lossSum += loss * batch.Count;
            images += batch.Count;
            step++;
            done++;
            double seconds = clock.Elapsed.TotalSeconds;
            var progress = new BatchProgress(epoch + 1, o.Epochs, done, batches, step, lossSum / images, lr,
                images / seconds, TimeSpan.FromSeconds((batches - done) * seconds / done));
            foreach (var observer in observers)
                observer.OnBatch(progress);
        }
        return new EpochTraining(lossSum / images, termSums.Select(t => (t.Key, t.Value / images)).ToList(), lr,
            step, clock.Elapsed.TotalSeconds, images / clock.Elapsed.TotalSeconds);
    }

    private static void UpdateEma(nn.Module ema, nn.Module model, double decay)
    {
        using var _ = no_grad();
        // Owned scalars, as the optimizer's (a temporary one can be finalised while libtorch reads it).
        using var keep = decay.ToScalar();
        using var take = (1 - decay).ToScalar();
        foreach (var (e, p) in ema.parameters().Zip(model.parameters()))
            e.mul_(keep).add_(p, take);
        foreach (var (e, b) in ema.buffers().Zip(model.buffers()))
            e.copy_(b);
        GC.KeepAlive(keep);
        GC.KeepAlive(take);
    }

    private static void RequireFinite(double value, string what)
    {
        if (!double.IsFinite(value))
            throw new LeanNetsException(
                $"training diverged: {what} is {value}; lower the learning rate (the last checkpoint is kept)"
            );
    }
}
