namespace LeanNets.Interchange;

/// <summary>The weight files LeanNets reads and writes besides its own checkpoints.</summary>
public enum WeightFormat
{
    /// <summary>PyTorch's <c>torch.save(model.state_dict())</c> zip archive (.pth, .pt, .bin).</summary>
    PyTorch,

    /// <summary>Hugging Face's safetensors: a JSON header and raw little-endian tensor data.</summary>
    Safetensors,

    /// <summary>A LeanNets training checkpoint (.ckpt): weights plus the run's options and history.</summary>
    Checkpoint,

    /// <summary>An ONNX model (.onnx), read only: its weights are matched to a model by the graph's structure
    /// (<see cref="OnnxWeights"/>).</summary>
    Onnx,
}

public static class WeightFormats
{
    /// <summary>The format a file name asks for, from its extension.</summary>
    public static WeightFormat FromExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".pth" or ".pt" or ".bin" => WeightFormat.PyTorch,
            ".safetensors" => WeightFormat.Safetensors,
            ".ckpt" => WeightFormat.Checkpoint,
            ".onnx" => WeightFormat.Onnx,
            var other => throw new LeanNetsUsageException(
                $"{path}: unknown weight file type '{other}' (use .pth, .pt, .safetensors, .onnx or .ckpt)"
            ),
        };

    /// <summary>True when the name is a weight file's (a checkpoint, PyTorch or safetensors file), by its extension.
    /// </summary>
    public static bool IsWeightFile(string path) =>
        IsForeign(path) || Path.GetExtension(path).Equals(".ckpt", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the file is a PyTorch or safetensors file rather than a LeanNets checkpoint.</summary>
    public static bool IsForeign(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pth" or ".pt" or ".bin" or ".safetensors";
}
