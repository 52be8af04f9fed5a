using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Measures;

/// <summary>
/// A training step's memory, estimated before anything large is allocated: every layer's output is kept for
/// the backward pass and gets a gradient of the same size (float32), plus weights, gradients and optimizer state.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>A training step's peak: every layer's output kept for the backward pass plus its gradient, and
    /// weights, gradients and optimizer state.</summary>
    public static long TrainingBytes(nn.Module<Tensor, Tensor> model, InputShape input, int batch)
    {
        var (sum, _) = Activations(model, input);
        return 4 * (2 * sum * batch + 4 * Parameters(model));
    }

    /// <summary>An inference call's peak: nothing is kept for a backward pass, so about the largest layer's input
    /// and output and a residual branch at once, plus the weights.</summary>
    public static long InferenceBytes(nn.Module<Tensor, Tensor> model, InputShape input, int batch)
    {
        var (_, max) = Activations(model, input);
        return 4 * (3 * max * batch + Parameters(model));
    }

    /// <summary>Per image: the sum and the largest of the layers' outputs (elements).</summary>
    private static (long Sum, long Max) Activations(nn.Module<Tensor, Tensor> model, InputShape input)
    {
        // Activations grow with the pixel count: count them at a small probe size and scale up, so that the
        // estimate itself never allocates what it is meant to warn about.
        const int probe = 64;
        var small = input with { Height = Math.Min(input.Height, probe), Width = Math.Min(input.Width, probe) };
        var profile = ModelProfiler.Profile(model, small.WithBatch(1));
        double scale = (double)input.Height * input.Width / (small.Height * small.Width);
        var sizes = profile.Layers.Select(l => l.OutputShape.Skip(1).Aggregate(1L, (a, b) => a * b)).ToList();
        return ((long)(scale * sizes.Sum()), (long)(scale * sizes.DefaultIfEmpty(0).Max()));
    }

    private static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());

    /// <summary>Memory the OS can still give this process (MemAvailable), or null where it cannot be read.</summary>
    public static long? AvailableBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo")
                .FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line == null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Refuses a batch whose estimate exceeds 90% of the available memory, naming both figures, before
    /// anything large is allocated: every entry point that runs a model calls it (training for a training step,
    /// inference otherwise).</summary>
    public static void RequireFits(nn.Module<Tensor, Tensor> model, InputShape input, int batch, bool training = true)
    {
        if (AvailableBytes() is not long available)
            return;
        long needed = training ? TrainingBytes(model, input, batch) : InferenceBytes(model, input, batch);
        if (needed > 0.9 * available)
        {
            throw new LeanNetsUsageException(
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"batch {batch} at {input} needs about {needed / 1e9:F1} GB to {(training ? "train" : "run")}; "
                        + $"{available / 1e9:F1} GB is available: use a smaller batch or input"
                )
            );
        }
    }
}
