using System.CommandLine;
using LeanNets.Cli.Output;
using LeanNets.IO;
using LeanNets.Measures;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets info MODEL`: parameters and MACs, optionally per layer or as JSON.</summary>
public static class InfoCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new ModelArguments();
        var input = new Option<string?>("--input")
        {
            Description = "input size CxHxW (default: the model's own, e.g. 3x224x224)",
        };
        var perLayer = new Option<bool>("--per-layer")
        {
            Description = "list every leaf layer with its output shape, params and MACs",
        };
        var json = new Option<bool>("--json") { Description = "print JSON instead of text" };
        var command = new Command("info", "Count a model's learnable parameters and MACs at an input size");
        model.AddTo(command);
        command.Options.Add(input);
        command.Options.Add(perLayer);
        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            var spec = CountedModel.Get(parsed.GetValue(model.Model)!);
            using var net = spec.Create(parsed.GetValue(model.Classes), parsed.GetValue(model.InChannels));
            int channels = parsed.GetValue(model.InChannels) ?? spec.DefaultInput.Channels;
            var shape = parsed.GetValue(input) is string text
                ? InputShape.Parse(text)
                : spec.DefaultInput with
                {
                    Channels = channels,
                };
            if (shape.Channels != channels)
                throw new LeanNetsUsageException(
                    $"--input has {shape.Channels} channels but the model takes {channels} (use --in-channels)"
                );
            spec.RequireInput(shape);
            Measures.MemoryEstimate.RequireFits(net, shape, 1, training: false);
            var profile = ModelProfiler.Profile(net, shape.WithBatch(1), spec.Name);
            output.Write(
                parsed.GetValue(json)
                    ? ToJson(spec, profile, parsed.GetValue(perLayer))
                    : ToText(spec, profile, parsed.GetValue(perLayer))
            );
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static string ToText(CountedModel spec, ModelProfile profile, bool perLayer)
    {
        var lines = new List<string>
        {
            $"model:        {spec.Name} ({spec.Family}, {spec.Paper})",
            $"input:        {string.Join("x", profile.InputShape.Skip(1))}",
            $"params:       {Units.Integer(profile.Params)} ({Units.Short(profile.Params)})",
            $"fixed values: {Units.Integer(profile.FixedValues)}",
            $"MACs:         {Units.Integer(profile.Macs)} ({Units.Short(profile.Macs)})",
        };
        string text = string.Join(Environment.NewLine, lines) + Environment.NewLine;
        if (!perLayer)
            return text;
        var table = new TextTable("layer", "type", "output", "params", "MACs");
        table.RightAligned.UnionWith([3, 4]);
        foreach (var l in profile.Layers)
            table.Add(
                l.Name,
                l.Type,
                string.Join("x", l.OutputShape.Skip(1)),
                Units.Integer(l.Params),
                Units.Integer(l.Macs)
            );
        return text + Environment.NewLine + table.ToText();
    }

    private static string ToJson(CountedModel spec, ModelProfile profile, bool perLayer)
    {
        var document = new Dictionary<string, object?>
        {
            ["model"] = spec.Name,
            ["family"] = spec.Family,
            ["paper"] = spec.Paper,
            ["input"] = profile.InputShape.Skip(1).ToArray(),
            ["params"] = profile.Params,
            ["fixed_values"] = profile.FixedValues,
            ["macs"] = profile.Macs,
        };
        if (perLayer)
            document["layers"] = profile.Layers.Select(l => new
            {
                name = l.Name,
                type = l.Type,
                output = l.OutputShape.Skip(1).ToArray(),
                @params = l.Params,
                macs = l.Macs,
            });
        return JsonFile.Serialize(document) + Environment.NewLine;
    }
}
