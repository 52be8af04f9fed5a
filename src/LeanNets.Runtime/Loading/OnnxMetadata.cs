using LeanNets.Data;
using LeanNets.Models;

namespace LeanNets.Loading;

/// <summary>
/// An exported model's metadata is its <see cref="ModelCard"/>, so the file alone can be used: the registry
/// name, the task, the input size and channels, the normalisation and the class names (and a detector's anchors
/// and strides).
/// </summary>
public static class OnnxMetadata
{
    /// <summary>True when a model argument names an ONNX file (by its extension) rather than a registry model.
    /// </summary>
    public static bool IsOnnxFile(string name) => name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The one refusal of the settings an ONNX file makes meaningless, for every command that takes
    /// either a registry model or a file: the file holds its weights, its card says its task, and it runs on ONNX
    /// Runtime.</summary>
    public static void RefuseFileSettings(string file, string? weights, bool torchSharp = false, bool task = false)
    {
        if (weights != null)
            throw new LeanNetsUsageException($"{file} holds its weights: --weights is for registry models");
        if (torchSharp)
            throw new LeanNetsUsageException($"{file} runs on onnxruntime: --engine torchsharp is for registry models");
        if (task)
            throw new LeanNetsUsageException($"{file} says its own task: --task is for registry models");
    }

    /// <summary>The card in an ONNX file's metadata, or one line saying LeanNets did not write the file.</summary>
    public static ModelCard RequireCard(IReadOnlyDictionary<string, string> metadata, string file) =>
        ModelCard.FromMetadata(metadata, file)
        ?? throw new LeanNetsUsageException($"{file}: no LeanNets model card (not exported by LeanNets)");

    /// <summary>The card of a LeanNets classifier export with the data config it implies; a file without one, or
    /// a detector's export (whose output is not class scores), is refused.</summary>
    public static (ModelCard Card, DataConfig Data) ReadClassifier(IReadOnlyDictionary<string, string> metadata,
        string file)
    {
        var card = RequireCard(metadata, file);
        if (card.IsDetector)
            throw new LeanNetsUsageException(
                $"{file} is a detector ({card.Model}): it finds objects, it does not classify images; run "
                    + $"'leannets detect {file} IMAGE...'"
            );
        return (card, DataConfig.FromCard(card));
    }
}
