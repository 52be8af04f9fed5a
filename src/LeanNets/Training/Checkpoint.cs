using LeanNets.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>Where a run stands: its options, completed epochs, optimizer steps and history.</summary>
public sealed record TrainingState(TrainOptions Options, int CompletedEpochs, long Step, List<EpochMetrics> History)
{
    /// <summary>How the run's images became inputs, so tools can preprocess new images the same way without
    /// the data.</summary>
    public Data.DataConfig? Data { get; init; }

    /// <summary>The data's class names in label order.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The best score so far (test top-1 of a classifier, 11-point mAP of a detector; the EMA's when the
    /// run keeps one: <see cref="EpochMetrics.Selection"/>); 0 before any epoch.</summary>
    public double BestScore => History.Count == 0 ? 0 : History.Max(m => m.Selection);

    /// <summary>The first epoch with the best score (0 before any epoch): the one the best files hold.</summary>
    public int BestEpoch => History.Count == 0 ? 0 : History.MaxBy(m => m.Selection)!.Epoch;

    /// <summary>The state, checked as options are: a header LeanNets did not write is named, never used.</summary>
    internal TrainingState Checked(string path)
    {
        string? problem =
            Options is null ? "no options"
            : History is null ? "no history"
            : CompletedEpochs < 0 || CompletedEpochs != History.Count
                ? $"{CompletedEpochs} completed epochs but {History?.Count} recorded"
            : Step < 0 ? $"step {Step}"
            : History.Any(m => m is null || m.Values is null) ? "an empty epoch record"
            : null;
        if (problem == null)
        {
            try
            {
                Options!.ValidateRanges();
            }
            catch (LeanNetsUsageException e)
            {
                problem = e.Message;
            }
        }
        return problem == null ? this : throw new LeanNetsException($"{path}: damaged checkpoint header ({problem})");
    }

    /// <summary>What the run's weights are (null for a state without its data's description).</summary>
    public ModelCard? Card() =>
        Data is { } d && ClassNames is { } names
            ? TrainingTasks.Card(Options, d, names)
            : null;
}

/// <summary>
/// The one checkpoint codec of every task: model, optimizer, RNG, EMA and <see cref="TrainingState"/> in one
/// file, in <see cref="CheckpointContainer"/>'s layout (the state is the header; the payload is weights,
/// optimizer, RNG and EMA).
/// </summary>
public static class Checkpoint
{
    internal const string Magic = "LEANNETS-CKPT-3";
    private const string Kind = "LeanNets checkpoint";

    public static void Save(string path, TrainingState state, nn.Module model, Optimizer optimizer, nn.Module? ema) =>
        CheckpointContainer.Write(
            path,
            Magic,
            state,
            writer =>
            {
                model.save(writer);
                optimizer.Save(writer);
                using var rng = torch.random.get_rng_state();
                var rngBytes = rng.data<byte>().ToArray();
                writer.Write(rngBytes.Length);
                writer.Write(rngBytes);
                writer.Write(ema != null);
                ema?.save(writer);
            }
        );

    /// <summary>Reads only the state (options, epochs, history), e.g. to rebuild the model before loading
    /// weights.</summary>
    public static TrainingState ReadState(string path) =>
        CheckpointContainer.ReadHeader<TrainingState>(path, Magic, Kind).Checked(path);

    /// <summary>The model a checkpoint holds (built from its options, whatever its task), with its state.</summary>
    /// <param name="expectedModel">the registry name the caller expects (an error naming both if it differs).</param>
    public static (nn.Module<Tensor, Tensor> Model, TrainingState State) LoadModel(
        string path,
        string? expectedModel = null
    )
    {
        var state = ReadState(path);
        if (expectedModel != null && expectedModel != state.Options.Model)
            throw new LeanNetsUsageException($"{path} holds a '{state.Options.Model}', not a '{expectedModel}'");
        var model = TrainingTasks.CreateModel(state.Options);
        try
        {
            LoadEvaluated(path, model, state);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return (model, state);
    }

    /// <summary>Loads the weights a checkpoint is used with (evaluation, export, fine-tuning): the EMA's when the
    /// run kept one, since its best epochs are chosen on the average's score; else the model's.
    /// <paramref name="state"/> is the checkpoint's, already read by the caller.</summary>
    public static TrainingState LoadEvaluated(string path, nn.Module model, TrainingState state) =>
        Load(path, model, ema: state.Options.EmaDecay > 0 ? model : null);

    /// <summary>Loads weights (and optimizer, RNG, EMA when given) into already built modules.</summary>
    public static TrainingState Load(
        string path,
        nn.Module model,
        Optimizer? optimizer = null,
        nn.Module? ema = null,
        bool restoreRng = false
    ) =>
        CheckpointContainer.Read<TrainingState>(
            path,
            Magic,
            Kind,
            (state, reader) =>
            {
                state.Checked(path);
                try
                {
                    model.load(reader);
                    if (optimizer == null && ema == null && !restoreRng)
                        return;
                    if (optimizer != null)
                        optimizer.Load(reader);
                    else
                        SkipOptimizer(reader, model, state.Options);
                    var rngBytes = reader.ReadBytes(reader.ReadInt32());
                    if (restoreRng)
                    {
                        using var rng = tensor(rngBytes, dtype: ScalarType.Byte);
                        torch.random.set_rng_state(rng);
                    }
                    if (reader.ReadBoolean() && ema != null)
                        ema.load(reader);
                }
                catch (Exception e) when (IsMismatch(e))
                {
                    throw new LeanNetsException(
                        $"{path}: checkpoint does not match the model '{state.Options.Model}' "
                            + $"({e.Message.Split('\n')[0]})",
                        e
                    );
                }
            }
        );

    /// <summary>What TorchSharp throws when a saved module does not fit the one it is loaded into.</summary>
    internal static bool IsMismatch(Exception e) =>
        e
            is EndOfStreamException
                or ArgumentException
                or InvalidOperationException
                or System.Runtime.InteropServices.ExternalException;

    private static void SkipOptimizer(BinaryReader reader, nn.Module model, TrainOptions options)
    {
        // Reading the optimizer section needs an optimizer over the parameters the run trained: a throwaway one,
        // on a fresh model with the run's freezing when it froze some (the given model keeps its flags).
        using var frozen = options.Freeze != null ? TrainingTasks.CreateModel(options) : null;
        if (frozen != null)
            Freezing.Apply(frozen, options.Freeze);
        using var throwaway = new Optimizer(frozen ?? model, options);
        throwaway.Load(reader);
    }
}
