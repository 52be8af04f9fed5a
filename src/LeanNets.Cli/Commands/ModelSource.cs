using System.CommandLine;

namespace LeanNets.Cli.Commands;

/// <summary>What commands that take a model and pictures parse alike: the weights option and the pictures.
/// </summary>
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

    /// <summary>The pictures a command was given, refusing a word that looks like an option (the parser hands an
    /// unknown option to a list of paths, which would then be "not found").</summary>
    public static string[] Pictures(ParseResult parsed, Argument<string[]> images)
    {
        var paths = parsed.GetValue(images)!;
        if (paths.FirstOrDefault(p => p.StartsWith("--", StringComparison.Ordinal)) is string option)
            throw new LeanNetsUsageException(
                $"{option} is not an option of {parsed.CommandResult.Command.Name} (see 'leannets "
                    + $"{parsed.CommandResult.Command.Name} --help')");
        return paths;
    }
}
