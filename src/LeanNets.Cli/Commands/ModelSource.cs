using System.CommandLine;
using LeanNets.Inference;
using LeanNets.Loading;

namespace LeanNets.Cli.Commands;

/// <summary>The model a command names: a registry model, or a trained one when a checkpoint is given.</summary>
internal static class ModelSource
{
    /// <summary>The option naming trained weights: a LeanNets checkpoint or a PyTorch/safetensors file (LeanNets'
    /// or torchvision's tensor names); <c>--weights</c> is its other name.</summary>
    public static Option<string?> WeightsOption(string description, bool required = false) =>
        new("--checkpoint", "--weights")
        {
            Description = $"{description}: a checkpoint (.ckpt) or weights (.pth, .pt, .safetensors)",
            Required = required,
        };

    public static LoadedModel Load(string name, string? checkpoint, int? inputSize)
    {
        if (inputSize is < 8 or > Models.InputShape.MaxSide)
            throw new LeanNetsUsageException($"--input-size must be 8..{Models.InputShape.MaxSide}, got {inputSize}");
        return checkpoint is string path
            ? LoadedModel.FromCheckpoint(path, name, inputSize)
            : LoadedModel.FromRegistry(name, inputSize);
    }
}
