using System.CommandLine;
using LeanNets.Interchange;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets pretrained --output F`: ML.NET's ImageNet ResNet-18 (from its NuGet package) as
/// resnet18_mlnet weights with their card.</summary>
public static class PretrainedCommand
{
    public static Command Create(TextWriter output)
    {
        var target = new Option<string>("--output")
        {
            Description = "file to write: .safetensors or .pth",
            Required = true,
        };
        var onnx = new Option<string?>("--onnx")
        {
            Description = "the network's ONNX file (default: ResNet18.onnx of the NuGet package "
                + $"{MlNetResNet18.Package} {MlNetResNet18.Version} in the package cache; 'dotnet restore "
                + "tools/pretrained' brings it)",
        };
        var command = new Command(
            "pretrained",
            $"Write ImageNet weights for {MlNetResNet18.ModelName} from ML.NET's ResNet-18 package (features; the "
                + "classifier head is not in it)")
        {
            target,
            onnx,
        };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(target)!;
            var report = MlNetResNet18.Import(path, parsed.GetValue(onnx));
            output.WriteLine(report.Describe());
            output.WriteLine($"wrote {path} ({MlNetResNet18.ModelName}, ImageNet backbone: fine-tune it with "
                + $"'train {MlNetResNet18.ModelName} --init-from {Path.GetFileName(path)}')");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
