using System.Collections;
using System.Collections.Specialized;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeanNets.IO;
using LeanNets.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LeanNets.Interchange;

/// <summary>
/// Reads and writes PyTorch state dicts (<c>.pth</c>) and safetensors through TorchSharp.PyBridge. Reading checks
/// the container first so that a truncated or foreign file is named as such instead of failing deep inside the
/// parser; writing is atomic (temporary file, then rename).
/// </summary>
public static class WeightFile
{
    /// <summary>Keys under which training scripts nest the weights in a larger checkpoint dict.</summary>
    private static readonly string[] NestedKeys = ["state_dict", "model", "model_state_dict", "module"];

    private const string DataParallelPrefix = "module.";

    public static StateDict Read(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"{path}: no such file");
        var format = WeightFormats.FromExtension(path);
        if (format == WeightFormat.Checkpoint)
            throw new LeanNetsUsageException($"{path} is a LeanNets checkpoint; pass it as --checkpoint");
        if (format == WeightFormat.Onnx)
            throw new LeanNetsUsageException(
                $"{path}: an ONNX file's weights are read into a named model: 'leannets convert MODEL --weights "
                    + "FILE.onnx --output F.safetensors' or 'train MODEL --init-from FILE.onnx'");
        var tensors = format == WeightFormat.PyTorch ? ReadPyTorch(path) : ReadSafetensors(path);
        return new StateDict(WithoutDataParallelPrefix(tensors), ownsTensors: true);
    }

    /// <summary>Writes <paramref name="state"/> in the format the file's extension names, with its model card:
    /// in a safetensors file's metadata, beside a PyTorch file as <c>FILE.card.json</c> (a pickled state dict
    /// with an extra entry would no longer load strictly in PyTorch).</summary>
    public static void Write(string path, StateDict state, ModelCard? card = null)
    {
        RequireWritable(path);
        var format = WeightFormats.FromExtension(path);
        AtomicFile.Write(
            path,
            stream =>
            {
                switch (format)
                {
                    case WeightFormat.PyTorch:
                        var ordered = new OrderedDictionary();
                        foreach (var (name, tensor) in state.Tensors)
                            ordered.Add(name, tensor);
                        PyTorchPickler.PickleStateDict(stream, ordered, leaveOpen: true);
                        break;
                    default:
                        WriteSafetensors(stream, state, card);
                        break;
                }
            }
        );
        string sidecar = CardFile(path);
        if (format == WeightFormat.PyTorch && card != null)
        {
            // The file's size goes with the card, so a .pth that another tool rewrote keeps no stale card.
            var pairs = card.ToMetadata();
            pairs[SizeKey] = new FileInfo(path).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            AtomicFile.WriteAllText(sidecar, JsonSerializer.Serialize(pairs, Indented));
        }
        else if (format == WeightFormat.PyTorch && File.Exists(sidecar))
            File.Delete(sidecar); // a stale card would describe other weights
    }

    /// <summary>The model card stored with a .pth or .safetensors file; null when it has none.</summary>
    public static ModelCard? ReadCard(string path)
    {
        if (WeightFormats.FromExtension(path) == WeightFormat.Onnx)
            return null; // an ONNX file's card is in its metadata (Loading.OnnxMetadata)
        if (WeightFormats.FromExtension(path) == WeightFormat.PyTorch)
        {
            string sidecar = CardFile(path);
            if (!File.Exists(sidecar))
                return null;
            try
            {
                var pairs = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(sidecar)) ?? [];
                bool sameFile = pairs.TryGetValue(SizeKey, out var size)
                    && size == new FileInfo(path).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return sameFile ? ModelCard.FromMetadata(pairs, sidecar) : null;
            }
            catch (JsonException e)
            {
                throw new LeanNetsException($"{sidecar}: not a model card ({FirstLine(e)})");
            }
        }
        return ModelCard.FromMetadata(CheckSafetensorsLayout(path), path);
    }

    private const string SizeKey = "leannets.file_bytes";

    /// <summary>Where a PyTorch file's card lives.</summary>
    public static string CardFile(string path) => path + ".card.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>TorchSharp.PyBridge writes the tensors; the card goes into the header's <c>__metadata__</c>
    /// (string pairs). Data offsets are relative to the end of the header, so a longer header moves
    /// nothing.</summary>
    private static void WriteSafetensors(Stream stream, StateDict state, ModelCard? card)
    {
        if (card == null)
        {
            Safetensors.SaveStateDict(stream, state.Tensors.ToDictionary(), leaveOpen: true);
            return;
        }
        using var plain = new MemoryStream();
        Safetensors.SaveStateDict(plain, state.Tensors.ToDictionary(), leaveOpen: true);
        var bytes = plain.GetBuffer();
        long headerLength = BitConverter.ToInt64(bytes, 0);
        var header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))!.AsObject();
        var metadata = new JsonObject();
        foreach (var (key, value) in card.ToMetadata())
            metadata[key] = value;
        header["__metadata__"] = metadata;
        var text = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format pads the header with spaces so the data starts 8-byte aligned.
        int padded = (text.Length + 7) / 8 * 8;
        stream.Write(BitConverter.GetBytes((long)padded));
        stream.Write(text);
        for (int i = text.Length; i < padded; i++)
            stream.WriteByte((byte)' ');
        stream.Write(bytes.AsSpan(8 + (int)headerLength, (int)(plain.Length - 8 - headerLength)));
    }


    /// <summary>Refuses, before any work, a file name this class cannot write.</summary>
    public static void RequireWritable(string path)
    {
        if (WeightFormats.FromExtension(path) is WeightFormat.Checkpoint or WeightFormat.Onnx)
            throw new LeanNetsUsageException(
                $"{path}: write .pth or .safetensors (checkpoints come from training, ONNX files from export)");
    }

    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        using (var probe = File.OpenRead(path))
        {
            Span<byte> magic = stackalloc byte[4];
            if (probe.Read(magic) < 4 || magic[0] != 'P' || magic[1] != 'K')
            {
                throw new LeanNetsException(IO.FileSignature.Describe(path) is { } kind
                    ? $"{path}: {kind}, not a PyTorch state dict"
                    : $"{path}: not a PyTorch state dict (expected the zip archive torch.save writes since PyTorch 1.6)"
                );
            }
        }
        if (IsTorchScript(path))
            throw new LeanNetsException(
                $"{path}: a TorchScript archive (torch.jit.save), not a state dict; save the weights with "
                    + "torch.save(model.state_dict(), FILE)");
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (InvalidDataException e)
        {
            throw new LeanNetsException($"{path}: truncated or corrupt PyTorch file ({FirstLine(e)})", e);
        }
        catch (Exception e) when (e is not LeanNetsException and not OutOfMemoryException)
        {
            throw new LeanNetsException($"{path}: not a PyTorch state dict ({FirstLine(e)})", e);
        }
        return TensorsOf(path, table);
    }

    /// <summary>True for the zip torch.jit.save writes: its code and constants beside the pickled data.</summary>
    private static bool IsTorchScript(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            return zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal)
                || e.FullName.Contains("/code/__torch__/", StringComparison.Ordinal));
        }
        catch (InvalidDataException)
        {
            return false; // a broken archive: the unpickler names it
        }
    }

    /// <summary>The tensors of an unpickled dict, looking one level into <c>{"state_dict": ...}</c>-style
    /// checkpoints.</summary>
    private static Dictionary<string, Tensor> TensorsOf(string path, Hashtable table)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor tensor)
                tensors[name] = tensor;
        }
        if (tensors.Count > 0)
            return new(tensors.OrderBy(p => p.Key, StringComparer.Ordinal));
        foreach (string key in NestedKeys)
        {
            if (table[key] is Hashtable nested)
                return TensorsOf(path, nested);
        }
        throw new LeanNetsException($"{path}: not a state dict (a pickled dict without tensors)");
    }

    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        CheckSafetensorsLayout(path);
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new LeanNetsException($"{path}: unreadable safetensors file ({FirstLine(e)})", e);
        }
    }

    /// <summary>Checks the header length, that the header is JSON, and that the data it describes is all there
    /// (a truncated download is the common failure); returns the header's string metadata.</summary>
    private static Dictionary<string, string> CheckSafetensorsLayout(string path)
    {
        using var file = File.OpenRead(path);
        var lengthBytes = new byte[8];
        if (file.Read(lengthBytes) < 8)
            throw new LeanNetsException($"{path}: truncated safetensors file (no header)");
        long headerLength = BitConverter.ToInt64(lengthBytes);
        if (headerLength <= 1 || headerLength > 100_000_000)
            throw new LeanNetsException($"{path}: not a safetensors file (bad header length {headerLength})");
        if (headerLength > file.Length - 8)
        {
            throw new LeanNetsException(
                $"{path}: truncated safetensors file (a {headerLength}-byte header, {file.Length - 8} bytes left)"
            );
        }
        var header = new byte[headerLength];
        file.ReadExactly(header);
        long dataEnd = 0;
        var metadata = new Dictionary<string, string>();
        try
        {
            using var json = JsonDocument.Parse(header);
            foreach (var tensor in json.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__")
                {
                    foreach (var pair in tensor.Value.EnumerateObject())
                        if (pair.Value.ValueKind == JsonValueKind.String)
                            metadata[pair.Name] = pair.Value.GetString()!;
                    continue;
                }
                var offsets = tensor.Value.GetProperty("data_offsets");
                dataEnd = Math.Max(dataEnd, offsets[1].GetInt64());
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new LeanNetsException($"{path}: not a safetensors file (header is not valid JSON: {FirstLine(e)})");
        }
        long available = file.Length - 8 - headerLength;
        if (dataEnd > available)
        {
            throw new LeanNetsException(
                $"{path}: truncated safetensors file (header describes {dataEnd} bytes of data, file has {available})"
            );
        }
        return metadata;
    }

    private static Dictionary<string, Tensor> WithoutDataParallelPrefix(Dictionary<string, Tensor> tensors) =>
        tensors.Count > 0 && tensors.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal))
            ? tensors.ToDictionary(p => p.Key[DataParallelPrefix.Length..], p => p.Value)
            : tensors;

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();
}
