using System.CommandLine;
using System.Globalization;
using LeanNets.Analysis;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets bench MODEL...`: inference latency and throughput of registry models on this CPU.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var models = new Argument<string[]>("models") { Description = "registry names", Arity = ArgumentArity.OneOrMore };
        var input = new Option<string?>("--input") { Description = "input size CxHxW (default: each model's own)" };
        var batch = new Option<int>("--batch") { Description = "images per call", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "timed calls (median reported)", DefaultValueFactory = _ => 20 };
        var json = new Option<string?>("--json") { Description = "also write the results to this JSON file" };
        var command = new Command("bench", "Measure inference latency (median ms) and images/s on this machine") { models, input, batch, runs, json };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(batch) <= 0 || parsed.GetValue(runs) <= 0) throw new LeanNetsUsageException("--batch and --runs must be positive");
            var rows = new List<object>();
            foreach (var name in parsed.GetValue(models)!)
            {
                var spec = ModelRegistry.Get(name);
                var shape = parsed.GetValue(input) is string text ? InputShape.Parse(text) : spec.DefaultInput;
                using var model = spec.Build(spec.DefaultOptions with { InChannels = shape.Channels });
                var latency = LatencyMeter.Measure(model, shape, parsed.GetValue(batch), parsed.GetValue(runs));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-32} {shape}  batch {latency.Batch}: {latency.MedianMs,9:F2} ms median ({latency.MinMs:F2} min), {latency.ImagesPerSecond,8:F1} img/s, threads {TorchSharp.torch.get_num_threads()}"));
                rows.Add(new { model = name, input = shape.ToString(), batch = latency.Batch, median_ms = latency.MedianMs, min_ms = latency.MinMs, images_per_second = latency.ImagesPerSecond, threads = TorchSharp.torch.get_num_threads() });
            }
            if (parsed.GetValue(json) is string path)
                Reports.JsonFile.Write(path, rows);
            return LeanNetsCli.Success;
        });
        return command;
    }
}
