using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.IO;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets compare RUN...`: trained runs side by side: accuracy, params, MACs, CPU time per image.</summary>
public static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = "run directories (each with last.ckpt)",
            Arity = ArgumentArity.OneOrMore,
        };
        var file = new Option<string?>("--output") { Description = "also write the Markdown table to this file" };
        var command = new Command(
            "compare",
            "Tabulate trained runs: score (test top-1; a detector: mAP@0.5), params, MACs and single-thread CPU ms per "
                + "image"
        )
        {
            runs,
            file,
        };
        command.SetAction(parsed =>
        {
            var table = new TextTable(
                "model",
                "epochs",
                "train images",
                "best score",
                "final score",
                "params",
                "MACs",
                "CPU ms/img (1 thread)",
                "train img/s"
            );
            table.RightAligned.UnionWith([1, 2, 3, 4, 5, 6, 7, 8]);
            foreach (var s in parsed.GetValue(runs)!.Select(RunSummary.Read))
            {
                table.Add(
                    s.Model,
                    s.Epochs.ToString(CultureInfo.InvariantCulture),
                    s.TrainImages is int n ? n.ToString("N0", CultureInfo.InvariantCulture) : "all",
                    Units.Percent(s.BestScore),
                    Units.Percent(s.FinalScore),
                    Units.Integer(s.Params),
                    Units.Short(s.Macs),
                    s.CpuMsPerImage.ToString("F2", CultureInfo.InvariantCulture),
                    s.TrainImagesPerSecond.ToString("F0", CultureInfo.InvariantCulture)
                );
            }
            output.Write(table.ToText());
            if (parsed.GetValue(file) is string path)
                AtomicFile.WriteAllText(path, table.ToMarkdown());
            return LeanNetsCli.Success;
        });
        return command;
    }
}
