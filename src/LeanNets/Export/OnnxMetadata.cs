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
