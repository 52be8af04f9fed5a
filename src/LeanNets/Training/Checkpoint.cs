using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>Where a run stands: its options, completed epochs, optimizer steps and history.</summary>
public sealed record TrainingState(TrainOptions Options, int CompletedEpochs, long Step, List<EpochMetrics> History)
{
    /// <summary>How the run's images became inputs, so tools can preprocess new images the same way without
    /// the data (null in checkpoints written before LeanNets recorded it).</summary>
    public Data.DataConfig? Data { get; init; }

    /// <summary>The data's class names in label order (null in older checkpoints).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    public double BestTop1 => History.Count == 0 ? 0 : History.Max(m => m.TestTop1);

    /// <summary>The first epoch with the best test top-1 (0 before any epoch): the one best.ckpt holds.</summary>
    public int BestEpoch => History.Count == 0 ? 0 : History.MaxBy(m => m.TestTop1)!.Epoch;
}

/// <summary>
/// One file holds model, optimizer, RNG and <see cref="TrainingState"/>, in <see cref="CheckpointContainer"/>'s
/// layout: the payload is weights, optimizer, RNG and EMA.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "LEANNETS-CKPT-2";
    private const string Kind = "classifier checkpoint";

    public static void Save(
        string path,
        TrainingState state,
        nn.Module model,
        OptimizerHelper optimizer,
        nn.Module? ema
    ) =>
        CheckpointContainer.Write(
            path,
            Magic,
            state,
            writer =>
            {
                model.save(writer);
                optimizer.save_state_dict(writer);
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
        CheckpointContainer.ReadHeader<TrainingState>(path, Magic, Kind);

    /// <summary>Loads weights (and optimizer, RNG, EMA when given) into already built modules.</summary>
    public static TrainingState Load(
        string path,
        nn.Module model,
        OptimizerHelper? optimizer = null,
        nn.Module? ema = null,
        bool restoreRng = false
    ) =>
        CheckpointContainer.Read<TrainingState>(
            path,
            Magic,
            Kind,
            (state, reader) =>
            {
                try
                {
                    model.load(reader);
                    if (optimizer == null && ema == null && !restoreRng)
                        return;
                    if (optimizer != null)
                        optimizer.load_state_dict(reader);
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
        // Reading the optimizer section needs an optimizer of the same shape; build a throwaway one.
        using var throwaway = OptimizerFactory.Create(model, options);
        throwaway.load_state_dict(reader);
    }
}
