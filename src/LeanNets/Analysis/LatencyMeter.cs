using System.Diagnostics;
using LeanNets.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Analysis;

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
            using var _ = no_grad();
            using var input = randn(shape.WithBatch(batch));
            // The scope frees every intermediate at once; without it they wait for the GC and each call page-faults
            // afresh.
            return Time(
                () =>
                {
                    using (NewDisposeScope())
                        model.call(input);
                },
                batch,
                runs,
                warmup
            );
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Times any call that processes <paramref name="batch"/> images: median and minimum of
    /// <paramref name="runs"/> after <paramref name="warmup"/> untimed calls.</summary>
    public static Latency Time(Action call, int batch, int runs, int warmup = 3)
    {
        var times = new List<double>();
        for (int i = -warmup; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            call();
            if (i >= 0)
                times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double Rank(double q) => times[Math.Clamp((int)Math.Ceiling(q * times.Count) - 1, 0, times.Count - 1)];
        return new Latency(times[times.Count / 2], times[0], batch, runs, Rank(0.1), Rank(0.9));
    }
}
