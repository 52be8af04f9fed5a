using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Measures;

/// <summary>
/// A training step's memory, estimated before anything large is allocated: every layer's output is kept for
/// the backward pass and gets a gradient of the same size (float32), plus weights, gradients and optimizer state.
/// </summary>
public static class MemoryEstimate
{
    public static long TrainingBytes(nn.Module<Tensor, Tensor> model, InputShape input, int batch)
    {
        // Activations grow with the pixel count: count them at a small probe size and scale up, so that the
        // estimate itself never allocates what it is meant to warn about.
        const int probe = 64;
        var small = input with { Height = Math.Min(input.Height, probe), Width = Math.Min(input.Width, probe) };
        var profile = ModelProfiler.Profile(model, small.WithBatch(1));
        double scale = (double)input.Height * input.Width / (small.Height * small.Width);
        long activations = (long)(
            scale * profile.Layers.Sum(l => l.OutputShape.Skip(1).Aggregate(1L, (a, b) => a * b))
        );
        long parameters = model.parameters().Sum(p => p.numel());
        return 4 * (2 * activations * batch + 4 * parameters);
    }

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

    /// <summary>Refuses a batch whose estimate exceeds 90% of the available memory, naming both figures.</summary>
    public static void RequireFits(nn.Module<Tensor, Tensor> model, InputShape input, int batch)
    {
        if (AvailableBytes() is not long available)
            return;
        long needed = TrainingBytes(model, input, batch);
        if (needed > 0.9 * available)
        {
            throw new LeanNetsUsageException(
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"batch {batch} at {input} needs about {needed / 1e9:F1} GB to train; {available / 1e9:F1} GB "
                    + $"is available: use a smaller batch or input"
                )
            );
        }
    }
}
