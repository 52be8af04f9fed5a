using System.CommandLine;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>Options shared by every command that builds a model.</summary>
public sealed class ModelArguments
{
    public Argument<string> Model { get; } =
        new("model") { Description = "registry name, e.g. resnet50 (see 'leannets models')" };
    public Option<int?> Classes { get; } =
        new("--classes") { Description = "number of classes (default: the model's own)" };
    public Option<int?> InChannels { get; } =
        new("--in-channels") { Description = "input channels (default: the model's own)" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Model);
        command.Options.Add(Classes);
        command.Options.Add(InChannels);
    }

    public (ModelSpec Spec, Classifier Model) Create(ParseResult parsed)
    {
        var spec = ModelRegistry.Get(parsed.GetValue(Model)!);
        return (spec, ModelRegistry.Create(spec.Name, parsed.GetValue(Classes), parsed.GetValue(InChannels)));
    }
}
