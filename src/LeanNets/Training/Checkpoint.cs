using System.Text;
using System.Text.Json;
using LeanNets.Reports;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>Where a run stands: its options, completed epochs, optimizer steps and history.</summary>
public sealed record TrainingState(TrainOptions Options, int CompletedEpochs, long Step, double BestTop1, List<EpochMetrics> History);

/// <summary>
/// One file holds model, optimizer, RNG and <see cref="TrainingState"/>. It is written to a temporary file,
/// flushed to disk and renamed over the old one, so a crash at any moment leaves the previous checkpoint whole.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "LEANNETS-CKPT-1";

    public static void Save(string path, TrainingState state, nn.Module model, OptimizerHelper optimizer, nn.Module? ema)
    {
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(JsonFile.Serialize(state));
            model.save(writer);
            optimizer.save_state_dict(writer);
            using var rng = torch.random.get_rng_state();
            var rngBytes = rng.data<byte>().ToArray();
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
            writer.Write(ema != null);
            ema?.save(writer);
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads only the state (options, epochs, history), e.g. to rebuild the model before loading weights.</summary>
    public static TrainingState ReadState(string path)
    {
        using var file = OpenChecked(path, out var reader);
        using (reader) return ReadHeader(path, reader);
    }

    /// <summary>Loads weights (and optimizer, RNG, EMA when given) into already built modules.</summary>
    public static TrainingState Load(string path, nn.Module model, OptimizerHelper? optimizer = null, nn.Module? ema = null, bool restoreRng = false)
    {
        using var file = OpenChecked(path, out var reader);
        using (reader)
        {
            var state = ReadHeader(path, reader);
            try
            {
                model.load(reader);
                if (optimizer == null && ema == null && !restoreRng) return state;
                if (optimizer != null) optimizer.load_state_dict(reader);
                else SkipOptimizer(reader, model, state.Options);
                var rngBytes = reader.ReadBytes(reader.ReadInt32());
                if (restoreRng)
                {
                    using var rng = tensor(rngBytes, dtype: ScalarType.Byte);
                    torch.random.set_rng_state(rng);
                }
                if (reader.ReadBoolean() && ema != null) ema.load(reader);
                return state;
            }
            catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException)
            {
                throw new LeanNetsException($"{path}: checkpoint does not match the model or is truncated ({e.Message.Split('\n')[0]})", e);
            }
        }
    }

    private static void SkipOptimizer(BinaryReader reader, nn.Module model, TrainOptions options)
    {
        // Reading the optimizer section needs an optimizer of the same shape; build a throwaway one.
        using var throwaway = OptimizerFactory.Create(model, options);
        throwaway.load_state_dict(reader);
    }

    private static FileStream OpenChecked(string path, out BinaryReader reader)
    {
        if (!File.Exists(path)) throw new LeanNetsException($"checkpoint not found: {path}");
        var file = File.OpenRead(path);
        reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        return file;
    }

    private static TrainingState ReadHeader(string path, BinaryReader reader)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new LeanNetsException($"{path}: not a LeanNets checkpoint");
            return JsonSerializer.Deserialize<TrainingState>(reader.ReadString(), JsonFile.Options)
                ?? throw new LeanNetsException($"{path}: empty checkpoint header");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or IOException or FormatException)
        {
            throw new LeanNetsException($"{path}: corrupt or truncated checkpoint ({e.GetType().Name})", e);
        }
    }
}
