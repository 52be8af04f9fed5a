using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeanNets.IO;
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
/// One file holds model, optimizer, RNG and <see cref="TrainingState"/>:
/// <c>magic, header (JSON), payload (weights, optimizer, RNG, EMA), SHA-256 of the payload</c>.
/// It is written atomically (temporary file, flush, rename); reading checks the checksum before any tensor
/// is parsed, so a truncated or corrupted file is reported as such instead of loading wrong weights.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "LEANNETS-CKPT-2";
    private const int HashLength = 32;

    public static void Save(
        string path,
        TrainingState state,
        nn.Module model,
        OptimizerHelper optimizer,
        nn.Module? ema
    )
    {
        AtomicFile.Write(
            path,
            file =>
            {
                using (var header = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
                {
                    header.Write(Magic);
                    header.Write(JsonFile.Serialize(state));
                }
                using var hashing = new HashingStream(file);
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
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
                file.Write(hashing.Hash());
            }
        );
    }

    /// <summary>Reads only the state (options, epochs, history), e.g. to rebuild the model before loading
    /// weights.</summary>
    public static TrainingState ReadState(string path)
    {
        using var file = Open(path);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(path, reader);
    }

    /// <summary>Loads weights (and optimizer, RNG, EMA when given) into already built modules.</summary>
    public static TrainingState Load(
        string path,
        nn.Module model,
        OptimizerHelper? optimizer = null,
        nn.Module? ema = null,
        bool restoreRng = false
    )
    {
        using var file = Open(path);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        var state = ReadHeader(path, reader);
        long payloadStart = file.Position;
        VerifyChecksum(path, file, payloadStart);
        file.Position = payloadStart;
        try
        {
            model.load(reader);
            if (optimizer == null && ema == null && !restoreRng)
                return state;
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
            return state;
        }
        catch (Exception e)
            when (e
                    is EndOfStreamException
                        or ArgumentException
                        or InvalidOperationException
                        or System.Runtime.InteropServices.ExternalException
            )
        {
            throw new LeanNetsException(
                $"{path}: checkpoint does not match the model '{state.Options.Model}' ({e.Message.Split('\n')[0]})",
                e
            );
        }
    }

    private static void VerifyChecksum(string path, FileStream file, long payloadStart)
    {
        long payloadLength = file.Length - payloadStart - HashLength;
        if (payloadLength <= 0)
            throw new LeanNetsException($"{path}: truncated checkpoint (no weights)");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long left = payloadLength;
        while (left > 0)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
                break;
            sha.AppendData(buffer, 0, read);
            left -= read;
        }
        var stored = new byte[HashLength];
        file.ReadExactly(stored);
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(stored))
            throw new LeanNetsException($"{path}: corrupt or truncated checkpoint (checksum mismatch)");
    }

    private static void SkipOptimizer(BinaryReader reader, nn.Module model, TrainOptions options)
    {
        // Reading the optimizer section needs an optimizer of the same shape; build a throwaway one.
        using var throwaway = OptimizerFactory.Create(model, options);
        throwaway.load_state_dict(reader);
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"checkpoint not found: {path}");
        return File.OpenRead(path);
    }

    private static TrainingState ReadHeader(string path, BinaryReader reader)
    {
        try
        {
            string magic = reader.ReadString();
            if (magic != Magic)
            {
                throw new LeanNetsException(
                    magic.StartsWith("LEANNETS-CKPT", StringComparison.Ordinal)
                        ? $"{path}: checkpoint format {magic} is from an older LeanNets (expected {Magic}); retrain "
                          + $"or convert it"
                        : $"{path}: not a LeanNets checkpoint"
                );
            }
            var state =
                JsonSerializer.Deserialize<TrainingState>(reader.ReadString(), JsonFile.Options)
                ?? throw new LeanNetsException($"{path}: empty checkpoint header");
            return state;
        }
        catch (Exception e)
            when (e is EndOfStreamException or JsonException or IOException or FormatException or NotSupportedException)
        {
            throw new LeanNetsException($"{path}: corrupt or truncated checkpoint ({e.GetType().Name})", e);
        }
    }
}
