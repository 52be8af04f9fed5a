using System.Globalization;
using LeanNets.Measures;
using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>One model's inference speed on this machine, as `leannets bench` prints and writes it. GFLOP/s counts
/// two operations per multiply-accumulate of the profiler; the peak resident memory is the process's own,
/// reset before the measurement (it includes the runtime and the model).</summary>
public sealed record BenchResult(
    string Model,
    Inference.EngineKind Engine,
    string Input,
    int Batch,
    double MedianMs,
    double MinMs,
    double P10Ms,
    double P90Ms,
    double ImagesPerSecond,
    double? GflopsPerSecond,
    long? PeakRssBytes,
    int Threads
)
{
    /// <summary>The TorchSharp model ran with its batch norms folded into the convolutions
    /// (<see cref="Layers.NormFolding"/>).</summary>
    public bool NormsFolded { get; init; }

    /// <summary>The engine as tables show it.</summary>
    public string EngineLabel => NormsFolded ? $"{Engine}+fold" : Engine.ToString();

    /// <summary>Times the subjects one after another, each built, timed and freed in turn with its own peak
    /// memory (reset after it is built: it includes the runtime and the model); or, with
    /// <paramref name="interleave"/>, all built first and timed round-robin
    /// (<see cref="LatencyMeter.TimeInterleaved"/>), their ratios robust to a shared machine's drift but their peak
    /// memory shared and so left out.</summary>
    public static IEnumerable<BenchResult> Run(
        IReadOnlyList<Func<BenchSubject>> subjects,
        int runs,
        bool interleave = false,
        int warmup = 3
    )
    {
        Bounds.Require(runs is > 0 and <= 100_000, "runs", runs, "1..100000");
        Bounds.Require(warmup is >= 0 and <= 10_000, "warmup", warmup, "0..10000");
        if (interleave)
            return RunInterleaved(subjects, runs, warmup);
        return subjects.Select(build =>
        {
            using var subject = build();
            Runtime.ProcessMemory.ResetPeak();
            var latency = LatencyMeter.Time(subject.Call, subject.Batch, runs, warmup);
            return subject.Result(latency, Runtime.ProcessMemory.PeakResidentBytes());
        });
    }

    private static List<BenchResult> RunInterleaved(IReadOnlyList<Func<BenchSubject>> subjects, int runs, int warmup)
    {
        var built = new List<BenchSubject>();
        try
        {
            foreach (var build in subjects)
                built.Add(build());
            var latencies = LatencyMeter.TimeInterleaved(
                built.Select(s => ((Action)s.Call, s.Batch)).ToList(),
                runs,
                warmup
            );
            return built.Select((s, i) => s.Result(latencies[i], null)).ToList();
        }
        finally
        {
            foreach (var subject in built)
                subject.Dispose();
        }
    }

    /// <summary>One Markdown table of every result, with each one's speed-up against its model's first row at
    /// the same batch.</summary>
    public static string Markdown(IReadOnlyList<BenchResult> results)
    {
        var text = new System.Text.StringBuilder(
            "| model | engine | input | batch | median ms | p10 ms | p90 ms | img/s | GFLOP/s | peak RSS | speed-up |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n"
        );
        foreach (var r in results)
        {
            var first = results.First(o => o.Model == r.Model && o.Batch == r.Batch);
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

    public static string Gflops(double? value) =>
        value is double v ? v.ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    public static string Megabytes(long? bytes) =>
        bytes is long b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1e6:F0} MB") : "n/a";
}
