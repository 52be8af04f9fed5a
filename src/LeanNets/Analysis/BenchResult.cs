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
}
