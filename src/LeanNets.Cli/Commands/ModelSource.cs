using System.CommandLine;

namespace LeanNets.Cli.Commands;

/// <summary>The option that names a model's trained weights, alike in every command.</summary>
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
}
