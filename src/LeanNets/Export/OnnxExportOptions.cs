namespace LeanNets.Export;

/// <param name="InputSize">height and width the graph is built for (the batch may stay dynamic).</param>
/// <param name="Batch">a fixed batch size, or null for a dynamic one ("batch").</param>
/// <param name="FoldBatchNorm">fold every BatchNormalization that directly follows a convolution into it.</param>
/// <param name="Metadata">key/value pairs stored in the model (registry name, mean/std, class names...).</param>
public sealed record OnnxExportOptions(
    int InputSize,
    int Channels,
    int Opset = OnnxExportOptions.DefaultOpset,
    int? Batch = null,
    bool FoldBatchNorm = true,
    IReadOnlyDictionary<string, string>? Metadata = null
)
{
    /// <summary>HardSwish needs opset 14; 17 keeps the files readable by older tools (Debian 12's onnx 1.13
    /// checks up to opset 18 and IR version 8).</summary>
    public const int MinOpset = 14,
        MaxOpset = 17,
        DefaultOpset = 17;
}
