using System.CommandLine;
using System.Globalization;
using LeanNets.Analysis;
using LeanNets.Cli.Output;
using LeanNets.Models;
using LeanNets.Reports;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets compare RUN...`: trained runs side by side: accuracy, params, MACs, CPU time per image.</summary>
public static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string[]>("runs") { Description = "run directories (each with last.ckpt)", Arity = ArgumentArity.OneOrMore };
        var file = new Option<string?>("--output") { Description = "also write the Markdown table to this file" };
        var command = new Command("compare", "Tabulate trained runs: test top-1, params, MACs and single-thread CPU ms per image") { runs, file };
        command.SetAction(parsed =>
        {
            var table = new TextTable("model", "epochs", "train images", "best top-1", "final top-1", "params", "MACs", "CPU ms/img (1 thread)", "train img/s");
            table.RightAligned.UnionWith([1, 2, 3, 4, 5, 6, 7, 8]);
            int threads = TorchSharp.torch.get_num_threads();
            foreach (var dir in parsed.GetValue(runs)!)
            {
                string checkpoint = Path.Combine(dir, Trainer.LastCheckpoint);
                var state = Checkpoint.ReadState(checkpoint);
                var o = state.Options;
                using var model = ModelRegistry.Create(o.Model, o.Classes, o.InChannels);
                var shape = new InputShape(o.InChannels ?? 1, o.InputSize, o.InputSize);
                var profile = ModelProfiler.Profile(model, shape.WithBatch(1), o.Model);
                TorchSharp.torch.set_num_threads(1); // the papers' CPU times are single-threaded
                var latency = LatencyMeter.Measure(model, shape, batch: 1, runs: 30);
                TorchSharp.torch.set_num_threads(threads);
                var last = state.History[^1];
                table.Add(o.Model, state.CompletedEpochs.ToString(CultureInfo.InvariantCulture),
                    o.LimitTrain > 0 ? o.LimitTrain.ToString("N0", CultureInfo.InvariantCulture) : "all",
                    Pct(state.BestTop1), Pct(last.TestTop1), Units.Integer(profile.Params), Units.Short(profile.Macs),
                    latency.MsPerImage.ToString("F2", CultureInfo.InvariantCulture), state.History.Average(h => h.TrainImagesPerSecond).ToString("F0", CultureInfo.InvariantCulture));
            }
            output.Write(table.ToText());
            if (parsed.GetValue(file) is string path) AtomicFile.WriteAllText(path, table.ToMarkdown());
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static string Pct(double value) => (100 * value).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
