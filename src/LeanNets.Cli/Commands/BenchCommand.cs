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
        var batch = new Option<int[]>("--batch")
        {
            Description = "images per call; several sizes are each timed (default 1)",
            AllowMultipleArgumentsPerToken = true,
        };
        var runs = new Option<int>("--runs")
        {
            Description = "timed calls (median reported)",
            DefaultValueFactory = _ => 20,
        };
        var warmup = new Option<int>("--warmup")
        {
            Description = "untimed calls before timing",
            DefaultValueFactory = _ => 3,
        };
        var interleave = new Option<bool>("--interleave")
        {
            Description = "build every model first and time them round-robin, so their ratios hold on a busy machine "
                + "(peak memory is then not per model and left out)",
        };
        var json = new Option<string?>("--json") { Description = "also write the results to this JSON file" };
        var markdown = new Option<bool>("--markdown")
        {
            Description = "print one Markdown table (every engine; speed-up against the model's first row at the same "
                + "batch) instead of lines",
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
            warmup,
            interleave,
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
            var batches = parsed.GetValue(batch) is { Length: > 0 } b ? b : [1];
            var subjects = (
                from size in batches
                from name in parsed.GetValue(models)!
                from subject in BenchSubject.For(name, size, shape, chosen, fold)
                select subject
            ).ToList();
            var results = BenchResult
                .Run(subjects, parsed.GetValue(runs), parsed.GetValue(interleave), parsed.GetValue(warmup))
                .Select(r =>
                {
                    if (!parsed.GetValue(markdown))
                        output.WriteLine(Line(r));
                    return r;
                })
                .ToList();
            if (parsed.GetValue(markdown))
                output.Write(BenchResult.Markdown(results));
            if (parsed.GetValue(json) is string path)
                JsonFile.Write(path, results);
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static string Line(BenchResult r) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Model,-28} {r.EngineLabel,-16} {r.Input} batch {r.Batch}: {r.MedianMs,9:F2} ms median "
                + $"(p10 {r.P10Ms:F2}, p90 {r.P90Ms:F2}), {r.ImagesPerSecond,8:F1} img/s, "
                + $"{BenchResult.Gflops(r.GflopsPerSecond),6} GFLOP/s, "
                + $"peak RSS {BenchResult.Megabytes(r.PeakRssBytes)}, threads {r.Threads}"
        );

    /// <summary>True for a bench of ONNX files only: it runs on ONNX Runtime alone and need not load libtorch
    /// (about 120 MB resident), as a deployed model would not.</summary>
    public static bool RunsOnOnnxRuntimeAlone(ParseResult parsed) =>
        parsed.CommandResult.Command.Name == "bench" && parsed.GetValue<string[]>("models") is { } names
        && names.All(Loading.OnnxMetadata.IsOnnxFile);

}
