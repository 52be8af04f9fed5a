using System.CommandLine;
using System.Globalization;
using LeanNets.Analysis;
using LeanNets.Cli.Output;
using LeanNets.IO;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets tables dualconv|vgnet`: every paper row with FLOPs or params beside LeanNets' count.</summary>
public static class TablesCommand
{
    public static Command Create(TextWriter output)
    {
        var paper = new Argument<string>("paper") { Description = "dualconv or vgnet" };
        paper.AcceptOnlyFromAmong("dualconv", "vgnet");
        var markdown = new Option<bool>("--markdown") { Description = "print a Markdown table" };
        var file = new Option<string?>("--output") { Description = "also write the table to this file" };
        var command = new Command("tables", "Compare the papers' params/FLOPs with LeanNets' models, row by row")
        {
            paper,
            markdown,
            file,
        };
        command.SetAction(parsed =>
        {
            var rows = PaperTables.Compare(parsed.GetValue(paper)!);
            var table = new TextTable(
                "table",
                "paper model",
                "data",
                "LeanNets model",
                "paper params",
                "params",
                "Δ params",
                "paper FLOPs",
                "MACs",
                "Δ MACs",
                "status"
            );
            table.RightAligned.UnionWith([4, 5, 6, 7, 8, 9]);
            foreach (var r in rows)
            {
                var f = r.Figure;
                table.Add(
                    f.Table,
                    f.Model,
                    f.Dataset,
                    r.ModelName ?? "-",
                    f.Params is long p ? Units.Short(p) : "-",
                    r.Params is long q ? Units.Short(q) : "-",
                    Percent(r.ParamsDifference),
                    f.Flops is long fl ? Units.Short(fl) : "-",
                    r.Macs is long m ? Units.Short(m) : "-",
                    Percent(r.MacsDifference),
                    r.WithinTarget && r.Note.Length == 0 ? "ok"
                        : r.WithinTarget ? "ok: " + r.Note
                        : r.Note
                );
            }
            int counted = rows.Count(r => r.ModelName != null),
                ok = rows.Count(r => r.WithinTarget);
            string text =
                (parsed.GetValue(markdown) ? table.ToMarkdown() : table.ToText())
                + $"{Environment.NewLine}{ok} of {counted} counted rows within target (params ±1%, FLOPs ±2%); "
                  + $"{rows.Count - counted} rows have no LeanNets model.{Environment.NewLine}";
            output.Write(text);
            if (parsed.GetValue(file) is string path)
                AtomicFile.WriteAllText(path, text);
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static string Percent(double? value) =>
        value is double v ? (v * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + "%" : "-";
}
