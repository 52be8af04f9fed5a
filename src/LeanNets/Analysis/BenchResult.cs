using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>One model's inference speed on this machine, as `leannets bench` prints and writes it.</summary>
public sealed record BenchResult(
    string Model,
    string Input,
    int Batch,
    double MedianMs,
    double MinMs,
    double ImagesPerSecond,
    int Threads
)
{
    /// <param name="input">the input shape, or null for the model's own.</param>
    public static BenchResult Measure(string model, InputShape? input, int batch, int runs)
    {
        Bounds.Require(batch is > 0 and <= 4096, "batch", batch, "1..4096");
        Bounds.Require(runs is > 0 and <= 100_000, "runs", runs, "1..100000");
        var spec = ModelRegistry.Get(model);
        var shape = input ?? spec.DefaultInput;
        using var net = spec.Create(spec.DefaultOptions with { InChannels = shape.Channels });
        var latency = LatencyMeter.Measure(net, shape, batch, runs);
        return new BenchResult(
            model,
            shape.ToString(),
            batch,
            latency.MedianMs,
            latency.MinMs,
            latency.ImagesPerSecond,
            TorchSharp.torch.get_num_threads()
        );
    }
}
