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
        if (batch is <= 0 or > 4096)
            throw new LeanNetsUsageException($"batch must be in 1..4096, got {batch}");
        if (runs is <= 0 or > 100_000)
            throw new LeanNetsUsageException($"runs must be in 1..100000, got {runs}");
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
