using System.CommandLine;
using LeanNets.Reports;
using LeanNets.Analysis;
using LeanNets.Cli.Output;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets models`: the registry as a table with params and MACs at each model's default input.</summary>
public static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var family = new Option<string?>("--family") { Description = "only this family (e.g. vgnet, resnet), or 'peers' for VGNet's comparison networks" };
        var paper = new Option<string?>("--paper") { Description = "only models of this paper: vgnet, dualconv or peer" };
        var markdown = new Option<bool>("--markdown") { Description = "print a Markdown table" };
        var json = new Option<bool>("--json") { Description = "print JSON" };
        var namesOnly = new Option<bool>("--names") { Description = "list names only (no counting)" };
        var command = new Command("models", "List the registered models with params and MACs at their default input");
        foreach (var o in new Option[] { family, paper, markdown, json, namesOnly }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var specs = Filter(ModelRegistry.List(), parsed.GetValue(family), parsed.GetValue(paper));
            if (parsed.GetValue(namesOnly))
            {
                foreach (var s in specs) output.WriteLine(s.Name);
                return LeanNetsCli.Success;
            }
            var rows = specs.Select(s =>
            {
                using var net = s.Build(s.DefaultOptions);
                return (Spec: s, Profile: ModelProfiler.Profile(net, s.DefaultInput.WithBatch(1), s.Name));
            }).ToList();
            if (parsed.GetValue(json))
            {
                output.WriteLine(JsonFile.Serialize(rows.Select(r => new
                {
                    name = r.Spec.Name, family = r.Spec.Family, paper = r.Spec.Paper, paper_name = r.Spec.PaperName,
                    input = r.Spec.DefaultInput.ToString(), classes = r.Spec.DefaultClasses, @params = r.Profile.Params, macs = r.Profile.Macs,
                })));
                return LeanNetsCli.Success;
            }
            var table = new TextTable("name", "family", "paper", "input", "classes", "params", "MACs", "paper row", "paper params", "paper FLOPs");
            table.RightAligned.UnionWith([4, 5, 6, 8, 9]);
            foreach (var (s, p) in rows)
            {
                var figure = PaperFigures.For(s);
                table.Add(s.Name, s.Family, s.Paper, s.DefaultInput.ToString(), s.DefaultClasses.ToString(), Units.Integer(p.Params), Units.Short(p.Macs),
                    figure == null ? "" : $"{figure.Paper} {figure.Table}: {figure.Model}",
                    figure?.Params is long fp ? Units.Short(fp) : "", figure?.Flops is long ff ? Units.Short(ff) : "");
            }
            output.Write(parsed.GetValue(markdown) ? table.ToMarkdown() : table.ToText());
            return LeanNetsCli.Success;
        });
        return command;
    }

    internal static IReadOnlyList<ModelSpec> Filter(IReadOnlyList<ModelSpec> specs, string? family, string? paper)
    {
        IEnumerable<ModelSpec> result = specs;
        if (family is not null)
        {
            result = family == "peers" ? result.Where(s => s.Paper == "peer") : result.Where(s => s.Family == family);
            if (!result.Any())
                throw new LeanNetsUsageException($"unknown family '{family}'; known: peers, {string.Join(", ", specs.Select(s => s.Family).Distinct())}");
        }
        if (paper is not null)
        {
            result = result.Where(s => s.Paper == paper);
            if (!result.Any()) throw new LeanNetsUsageException($"no models for paper '{paper}'; known: vgnet, dualconv, peer");
        }
        return result.ToList();
    }
}
