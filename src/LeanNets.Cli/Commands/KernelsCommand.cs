using System.CommandLine;
using LeanNets.Loading;
using LeanNets.Reports;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets kernels MODEL`: the 3x3 kernels of every spatial layer as PNG grids plus an HTML index.</summary>
public static class KernelsCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "registry name" };
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description =
                "draw trained weights from this file: .ckpt, .pth or .safetensors (default: the initial weights)",
        };
        var layers = new Option<int>("--layers")
        {
            Description = "how many spatial layers to draw (0 = all)",
            DefaultValueFactory = _ => 0,
        };
        var dir = new Option<string>("--output")
        {
            Description = "folder for the PNGs and kernels.html",
            DefaultValueFactory = _ => "kernels",
        };
        var command = new Command("kernels", "Draw a model's 3x3 kernels (learned and fixed) as images")
        {
            model,
            checkpoint,
            layers,
            dir,
        };
        command.SetAction(parsed =>
        {
            string name = parsed.GetValue(model)!;
            if (parsed.GetValue(layers) < 0)
                throw new LeanNetsUsageException(
                    $"--layers must be 0 (all) or positive, got {parsed.GetValue(layers)}"
                );
            var source = ModelReference.Resolve(name, parsed.GetValue(checkpoint)).RequireTorch();
            using var net = LoadedModel.Open(source.Name, source.Weights);
            string folder = parsed.GetValue(dir)!;
            int drawn = KernelPage.Write(net.Model, source.Name, folder, parsed.GetValue(layers));
            output.WriteLine($"drew {drawn} layers into {Path.GetFullPath(folder)} ({KernelPage.FileName})");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
