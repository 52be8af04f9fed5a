using LeanNets.Data;
using LeanNets.Models;

namespace LeanNets.Export;

/// <summary>
/// An exported model's metadata is its <see cref="ModelCard"/>, so the file alone can be used: the registry
/// name, the task, the input size and channels, the normalisation and the class names (and a detector's anchors
/// and strides).
/// </summary>
public static class OnnxMetadata
{
    /// <summary>True when a LeanNets ONNX file holds a detector (its card says so), read without running it.
    /// </summary>
    public static bool IsDetectorFile(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsUsageException($"ONNX file not found: {path}");
        global::Onnx.ModelProto model;
        try
        {
            model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new LeanNetsException($"{path}: not an ONNX model (unreadable protobuf)");
        }
        return ModelCard.FromMetadata(model.MetadataProps.ToDictionary(p => p.Key, p => p.Value), path)?.IsDetector
            ?? throw new LeanNetsUsageException($"{path}: no 'leannets.model' metadata (not exported by LeanNets)");
    }

    /// <summary>The card of a LeanNets classifier export with the data config it implies; a file without one, or
    /// a detector's export (whose output is not class scores), is refused.</summary>
    public static (ModelCard Card, DataConfig Data) ReadClassifier(IReadOnlyDictionary<string, string> metadata,
        string file)
    {
        var card = ModelCard.FromMetadata(metadata, file)
            ?? throw new LeanNetsUsageException($"{file}: no 'leannets.model' metadata (not exported by LeanNets)");
        if (card.IsDetector)
            throw new LeanNetsUsageException(
                $"{file} is a detector ({card.Model}): it finds objects, it does not classify images; run "
                    + $"'leannets detect {file} IMAGE...'"
            );
        return (card, DataConfig.FromCard(card));
    }
}
