using System.CommandLine;
using System.Globalization;
using LeanNets.Analysis;
using LeanNets.Inference;
using LeanNets.IO;
using LeanNets.Models;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets bench MODEL...`: inference latency and throughput of registry models on this CPU.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var models = new Argument<string[]>("models")
        {
            Description = "registry names",
            Arity = ArgumentArity.OneOrMore,
        };
        var input = new Option<string?>("--input") { Description = "input size CxHxW (default: each model's own)" };
        var batch = new Option<int>("--batch") { Description = "images per call", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs")
        {
            Description = "timed calls (median reported)",
            DefaultValueFactory = _ => 20,
        };
        var json = new Option<string?>("--json") { Description = "also write the results to this JSON file" };
        var engines = new Option<EngineKind[]>("--engine")
        {
            Description = "engines to time side by side: torchsharp, onnxruntime (default torchsharp)",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("bench", "Measure inference latency (median ms) and images/s on this machine")
        {
            models,
            input,
            batch,
            runs,
            json,
            engines,
        };
        command.SetAction(parsed =>
        {
            var shape = parsed.GetValue(input) is string text ? InputShape.Parse(text) : (InputShape?)null;
            var chosen = parsed.GetValue(engines) is { Length: > 0 } e ? e : [EngineKind.TorchSharp];
            var results = parsed
                .GetValue(models)!
                .SelectMany(name => chosen.Select(engine => (name, engine)))
                .Select(m =>
                    BenchResult.Measure(m.name, shape, parsed.GetValue(batch), parsed.GetValue(runs), m.engine)
                )
                .Select(r =>
                {
                    output.WriteLine(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"{r.Model,-32} {r.Engine,-11} {r.Input}  batch {r.Batch}: {r.MedianMs,9:F2} ms median "
                                + $"({r.MinMs:F2} "
                            + $"min), {r.ImagesPerSecond,8:F1} img/s, threads {r.Threads}"
                        )
                    );
                    return r;
                })
                .ToList();
            if (parsed.GetValue(json) is string path)
                JsonFile.Write(path, results);
            return LeanNetsCli.Success;
        });
        return command;
    }
}
