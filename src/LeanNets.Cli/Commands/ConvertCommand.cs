using System.CommandLine;
using LeanNets.Interchange;
using LeanNets.Loading;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets convert MODEL --weights IN --output OUT`: weights between LeanNets checkpoints, PyTorch
/// state dicts and safetensors, and between LeanNets' and torchvision's tensor names.</summary>
public static class ConvertCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "registry name of the architecture" };
        var input = ModelSource.WeightsOption("the weights to read", required: true);
        var target = new Option<string>("--output")
        {
            Description = "file to write: .pth (PyTorch) or .safetensors",
            Required = true,
        };
        var names = new Option<WeightNaming>("--names")
        {
            Description = "tensor names of the input: auto, leannets or torchvision",
            DefaultValueFactory = _ => WeightNaming.Auto,
        };
        var toNames = new Option<WeightNaming>("--to-names")
        {
            Description = "tensor names to write: leannets or torchvision",
            DefaultValueFactory = _ => WeightNaming.LeanNets,
        };
        var nonStrict = new Option<bool>("--non-strict")
        {
            Description = "load what fits (e.g. a classifier for another class count keeps its initialisation)",
        };
        var classes = new Option<int?>("--classes") { Description = "classes (default: the file's classifier)" };
        var channels = new Option<int?>("--in-channels") { Description = "input channels (default: the file's)" };
        var command = new Command("convert", "Convert weights between .ckpt, .pth and .safetensors")
        {
            model,
            input,
            target,
            names,
            toNames,
            nonStrict,
            classes,
            channels,
        };
        command.SetAction(parsed =>
        {
            var request = new ConvertRequest(
                parsed.GetValue(model)!,
                parsed.GetValue(input)!,
                parsed.GetValue(target)!,
                parsed.GetValue(names),
                parsed.GetValue(toNames),
                !parsed.GetValue(nonStrict),
                parsed.GetValue(classes),
                parsed.GetValue(channels)
            );
            var report = WeightConversion.Convert(request);
            output.WriteLine(report.Describe());
            output.WriteLine($"wrote {request.Output}");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
