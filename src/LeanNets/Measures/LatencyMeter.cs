using System.Diagnostics;
using LeanNets.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Measures;

/// <summary>Eval-mode inference time over repeated runs after warm-up: median, minimum, 10th and 90th
/// percentiles (nearest rank).</summary>
public sealed record Latency(double MedianMs, double MinMs, int Batch, int Runs, double P10Ms, double P90Ms)
{
    public double ImagesPerSecond => Batch * 1000.0 / MedianMs;
    public double MsPerImage => MedianMs / Batch;
}

public static class LatencyMeter
{
    public static Latency Measure(
        nn.Module<Tensor, Tensor> model,
        InputShape shape,
        int batch = 1,
        int runs = 20,
        int warmup = 3
    )
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var input = randn(shape.WithBatch(batch));
            return Time(() => Infer(model, input), batch, runs, warmup);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>One timed inference call: no autograd, and every intermediate freed when it returns (a dispose
    /// scope; without it they wait for the GC and each call page-faults afresh).</summary>
    public static void Infer(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.call(input);
    }

    /// <summary>Times any call that processes <paramref name="batch"/> images: median and minimum of
    /// <paramref name="runs"/> after <paramref name="warmup"/> untimed calls.</summary>
    public static Latency Time(Action call, int batch, int runs, int warmup = 3)
    {
        for (int i = 0; i < warmup; i++)
            call();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
            times.Add(TimeOnce(call));
        return Summarize(times, batch);
    }

    /// <summary>Times several calls round-robin: every round times each once, so a slow spell of a shared machine
    /// falls on all of them alike and their ratios hold even when the absolute times drift.</summary>
    public static IReadOnlyList<Latency> TimeInterleaved(IReadOnlyList<(Action Call, int Batch)> calls, int runs,
        int warmup = 3)
    {
        for (int i = 0; i < warmup; i++)
            foreach (var (call, _) in calls)
                call();
        var times = calls.Select(_ => new List<double>()).ToList();
        for (int round = 0; round < runs; round++)
            for (int c = 0; c < calls.Count; c++)
            {
                Thread.Sleep(SettleMs);
                times[c].Add(TimeOnce(calls[c].Call));
            }
        return times.Select((t, c) => Summarize(t, calls[c].Batch)).ToList();
    }

    // Each runtime's worker threads stay busy for a while after a call; on a small machine they steal the cores from
    // the next call of another runtime (TorchSharp after ONNX Runtime measured 1.3-2x slower with no pause or 20 ms,
    // unaffected with 100 ms; 300 ms slowed every call alike, the cores gone idle).
    private const int SettleMs = 100;

    private static double TimeOnce(Action call)
    {
        var clock = Stopwatch.StartNew();
        call();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static Latency Summarize(List<double> times, int batch)
    {
        times.Sort();
        double Rank(double q) => times[Math.Clamp((int)Math.Ceiling(q * times.Count) - 1, 0, times.Count - 1)];
        return new Latency(times[times.Count / 2], times[0], batch, times.Count, Rank(0.1), Rank(0.9));
    }
}
