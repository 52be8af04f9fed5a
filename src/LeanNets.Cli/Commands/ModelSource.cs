using LeanNets.Inference;

namespace LeanNets.Cli.Commands;

/// <summary>The model a command names: a registry model, or a trained one when a checkpoint is given.</summary>
internal static class ModelSource
{
    public static LoadedModel Load(string name, string? checkpoint, int? inputSize)
    {
        if (inputSize is < 8 or > Models.InputShape.MaxSide)
            throw new LeanNetsUsageException($"--input-size must be 8..{Models.InputShape.MaxSide}, got {inputSize}");
        return checkpoint is string path
            ? LoadedModel.FromCheckpoint(path, name, inputSize)
            : LoadedModel.FromRegistry(name, inputSize);
    }
}
