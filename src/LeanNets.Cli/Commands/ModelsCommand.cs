using System.CommandLine;
using LeanNets.Analysis;
using LeanNets.Cli.Output;
using LeanNets.IO;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets models`: the registry (classifiers and detectors) as a table with params and MACs at each
/// model's default input, from the shipped counts unless --recount.</summary>
public static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var family = new Option<string?>("--family")
        {
            Description = "only this family (e.g. vgnet, resnet, yolov3), or 'peers' for VGNet's comparison networks",
        };
        var task = new Option<string?>("--task") { Description = "only models of this task: classify or detect" };
        var recount = new Option<bool>("--recount")
        {
            Description = "build and profile every listed model instead of reading the shipped counts",
        };
        var paper = new Option<string?>("--paper")
        {
            Description = "only models of this paper: vgnet, dualconv or peer",
        };
        var markdown = new Option<bool>("--markdown") { Description = "print a Markdown table" };
        var json = new Option<bool>("--json") { Description = "print JSON" };
        var namesOnly = new Option<bool>("--names") { Description = "list names only (no counting)" };
        var command = new Command("models", "List the registered models with params and MACs at their default input");
        foreach (var o in new Option[] { family, task, paper, markdown, json, namesOnly, recount })
            command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var specs = Select(parsed.GetValue(family), parsed.GetValue(task), parsed.GetValue(paper));
            if (parsed.GetValue(namesOnly))
            {
                foreach (var s in specs)
                    output.WriteLine(s.Name);
                return LeanNetsCli.Success;
            }
            var rows = ModelSummary.Of(specs, parsed.GetValue(recount));
            if (parsed.GetValue(json))
            {
                output.WriteLine(JsonFile.Serialize(rows));
                return LeanNetsCli.Success;
            }
            bool asMarkdown = parsed.GetValue(markdown);
            output.Write(asMarkdown ? Table(rows).ToMarkdown() : Table(rows).ToText());
            if (!specs.Any(s => s.Task == CountedModel.Detect))
                return LeanNetsCli.Success;
            if (asMarkdown)
                output.WriteLine(); // a Markdown table would take the next line as one of its rows
            output.WriteLine(
                $"and {Models.Detection.DetectorRegistry.OnPrefix}CLASSIFIER: YOLO-V3's heads on any registry "
                    + "classifier with stages at strides 8, 16 and 32");
            return LeanNetsCli.Success;
        });
        return command;
    }

    public static TextTable Table(IEnumerable<ModelSummary> rows)
    {
        var table = new TextTable(
            "name",
            "task",
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
        table.RightAligned.UnionWith([5, 6, 7, 9, 10]);
        foreach (var r in rows)
        {
            var f = r.PaperRow;
            table.Add(
                r.Name,
                r.Task,
                r.Family,
                r.Paper,
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

    /// <summary>The entries that --family, --task and --paper select; unknown values list the known ones.</summary>
    internal static IReadOnlyList<CountedModel> Select(string? family, string? task, string? paper)
    {
        var all = CountedModel.All();
        family = family?.ToLowerInvariant();
        IEnumerable<CountedModel> selected = all;
        if (family == "peers")
            selected = selected.Where(m => m.Paper == Paper.Peer.Id());
        else if (family != null)
        {
            var families = all.Select(m => m.Family).Distinct().ToList();
            if (!families.Contains(family))
                throw new LeanNetsUsageException(
                    $"unknown family '{family}'; known: peers, {string.Join(", ", families)}"
                );
            selected = selected.Where(m => m.Family == family);
        }
        if (task != null)
        {
            if (task is not (CountedModel.Classify or CountedModel.Detect))
                throw new LeanNetsUsageException(
                    $"unknown task '{task}'; known: {CountedModel.Classify}, {CountedModel.Detect}");
            selected = selected.Where(m => m.Task == task);
        }
        if (paper != null)
        {
            if (!ModelNames.TryParsePaper(paper, out var parsed))
                throw new LeanNetsUsageException($"unknown paper '{paper}'; known: vgnet, dualconv, peer, user");
            selected = selected.Where(m => m.Paper == parsed.Id());
        }
        return selected.ToList();
    }
}
