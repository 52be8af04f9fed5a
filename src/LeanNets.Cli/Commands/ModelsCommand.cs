using System.CommandLine;
using LeanNets.Analysis;
using LeanNets.Cli.Output;
using LeanNets.IO;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets models`: the registry as a table with params and MACs at each model's default input.</summary>
public static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var family = new Option<string?>("--family")
        {
            Description = "only this family (e.g. vgnet, resnet), or 'peers' for VGNet's comparison networks",
        };
        var paper = new Option<string?>("--paper")
        {
            Description = "only models of this paper: vgnet, dualconv or peer",
        };
        var markdown = new Option<bool>("--markdown") { Description = "print a Markdown table" };
        var json = new Option<bool>("--json") { Description = "print JSON" };
        var namesOnly = new Option<bool>("--names") { Description = "list names only (no counting)" };
        var command = new Command("models", "List the registered models with params and MACs at their default input");
        foreach (var o in new Option[] { family, paper, markdown, json, namesOnly })
            command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var specs = Select(parsed.GetValue(family), parsed.GetValue(paper));
            if (parsed.GetValue(namesOnly))
            {
                foreach (var s in specs)
                    output.WriteLine(s.Name);
                return LeanNetsCli.Success;
            }
            var rows = ModelSummary.Of(specs);
            if (parsed.GetValue(json))
            {
                output.WriteLine(JsonFile.Serialize(rows));
                return LeanNetsCli.Success;
            }
            output.Write(parsed.GetValue(markdown) ? Table(rows).ToMarkdown() : Table(rows).ToText());
            return LeanNetsCli.Success;
        });
        return command;
    }

    public static TextTable Table(IEnumerable<ModelSummary> rows)
    {
        var table = new TextTable(
            "name",
            "family",
            "paper",
            "input",
            "classes",
            "params",
            "MACs",
            "paper row",
            "paper params",
            "paper FLOPs"
        );
        table.RightAligned.UnionWith([4, 5, 6, 8, 9]);
        foreach (var r in rows)
        {
            var f = r.PaperRow;
            table.Add(
                r.Name,
                r.Family.Id(),
                r.Paper.Id(),
                r.Input,
                r.Classes.ToString(),
                Units.Integer(r.Params),
                Units.Short(r.Macs),
                f == null ? "" : $"{f.Paper} {f.Table}: {f.Model}",
                f?.Params is long fp ? Units.Short(fp) : "",
                f?.Flops is long ff ? Units.Short(ff) : ""
            );
        }
        return table;
    }

    /// <summary>The registry entries a --family/--paper pair selects; unknown names list the known ones.</summary>
    internal static IReadOnlyList<ModelSpec> Select(string? family, string? paper)
    {
        ModelFamily? f = null;
        Paper? p = null;
        if (family == "peers")
            p = Paper.Peer;
        else if (family != null)
        {
            f = ModelNames.TryParseFamily(family, out var parsed)
                ? parsed
                : throw new LeanNetsUsageException(
                    $"unknown family '{family}'; known: peers, "
                        + string.Join(", ", Enum.GetValues<ModelFamily>().Select(x => x.Id()))
                );
        }
        if (paper != null)
        {
            var parsed = ModelNames.TryParsePaper(paper, out var value)
                ? value
                : throw new LeanNetsUsageException($"unknown paper '{paper}'; known: vgnet, dualconv, peer");
            if (p != null && p != parsed)
                return [];
            p = parsed;
        }
        return ModelRegistry.List(f, p);
    }
}
