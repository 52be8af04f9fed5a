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
            Description = "registry names, or ONNX files (run on ONNX Runtime at the size they declare)",
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
        var markdown = new Option<bool>("--markdown")
        {
            Description = "print one Markdown table (every engine, speed-up against the first) instead of lines",
        };
        var engines = new Option<EngineKind[]>("--engine")
        {
            Description = "engines to time side by side: torchsharp, onnxruntime (default torchsharp)",
            AllowMultipleArgumentsPerToken = true,
        };
        var foldBn = new Option<bool>("--fold-bn")
        {
            Description = "also time the torchsharp engine with batch norms folded into the convolutions",
        };
        var command = new Command("bench", "Measure inference latency (median ms) and images/s on this machine")
        {
            models,
            input,
            batch,
            runs,
            json,
            engines,
            markdown,
            foldBn,
        };
        command.SetAction(parsed =>
        {
            var shape = parsed.GetValue(input) is string text ? InputShape.Parse(text) : (InputShape?)null;
            var chosen = parsed.GetValue(engines) is { Length: > 0 } e ? e : [EngineKind.TorchSharp];
            bool fold = parsed.GetValue(foldBn);
            var results = parsed
                .GetValue(models)!
                .SelectMany(name =>
                    IsOnnxFile(name)
                        ? [new BenchCase(name, EngineKind.OnnxRuntime, false)]
                        : chosen.SelectMany(engine =>
                            fold && engine == EngineKind.TorchSharp
                                ? new[] { new BenchCase(name, engine, false), new BenchCase(name, engine, true) }
                                : [new BenchCase(name, engine, false)]
                        )
                )
                .Select(m =>
                    IsOnnxFile(m.Name)
                        ? BenchResult.MeasureOnnxFile(m.Name, parsed.GetValue(batch), parsed.GetValue(runs))
                        : BenchResult.Measure(m.Name, shape, parsed.GetValue(batch), parsed.GetValue(runs), m.Engine,
                            m.Fold)
                )
                .Select(r =>
                {
                    if (!parsed.GetValue(markdown))
                        output.WriteLine(Line(r));
                    return r;
                })
                .ToList();
            if (parsed.GetValue(markdown))
                output.Write(Markdown(results));
            if (parsed.GetValue(json) is string path)
                JsonFile.Write(path, results);
            return LeanNetsCli.Success;
        });
        return command;
    }

    /// <summary>One measurement to make: a model (or ONNX file) on an engine, TorchSharp optionally with folded
    /// norms.</summary>
    private sealed record BenchCase(string Name, EngineKind Engine, bool Fold);

    private static string Line(BenchResult r) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Model,-28} {r.EngineLabel,-16} {r.Input} batch {r.Batch}: {r.MedianMs,9:F2} ms median "
                + $"(p10 {r.P10Ms:F2}, p90 {r.P90Ms:F2}), {r.ImagesPerSecond,8:F1} img/s, "
                + $"{Gflops(r.GflopsPerSecond),6} GFLOP/s, peak RSS {Megabytes(r.PeakRssBytes)}, threads {r.Threads}"
        );

    private static string Markdown(IReadOnlyList<BenchResult> results)
    {
        var text = new System.Text.StringBuilder(
            "| model | engine | input | batch | median ms | p10 ms | p90 ms | img/s | GFLOP/s | peak RSS | speed-up |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n"
        );
        foreach (var r in results)
        {
            var first = results.First(o => o.Model == r.Model);
            text.Append(
                CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.EngineLabel} | {r.Input} | {r.Batch} | {r.MedianMs:F2} | {r.P10Ms:F2} "
                    + $"| {r.P90Ms:F2} "
                    + $"| {r.ImagesPerSecond:F1} | {Gflops(r.GflopsPerSecond)} | {Megabytes(r.PeakRssBytes)} "
                    + $"| {first.MedianMs / r.MedianMs:F2}x |\n"
            );
        }
        return text.ToString();
    }

    private static bool IsOnnxFile(string name) => name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private static string Gflops(double? value) =>
        value is double v ? v.ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string Megabytes(long? bytes) =>
        bytes is long b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1e6:F0} MB") : "n/a";
}
