using LeanNets.Models;
using LeanNets.Runtime;
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
        long sum = Activations(model, input);
        return 4 * (2 * sum * batch + 4 * Parameters(model));
    }

    /// <summary>An inference call's peak: no gradients, and of the layers' outputs only part is alive at once. Half
    /// their sum per image, plus the weights: measured peaks (bench, peak RSS less the idle process) were 0.25-0.33
    /// of the sum for VGNetG, MobileNetV2, ResNet-50, VGG-16 and YOLO-V3, so half keeps a margin without refusing
    /// work that fits.</summary>
    public static long InferenceBytes(nn.Module<Tensor, Tensor> model, InputShape input, int batch)
    {
        long sum = Activations(model, input);
        return 4 * (sum * batch / 2 + Parameters(model));
    }

    /// <summary>What one more image adds to <see cref="InferenceBytes"/> (recorded in ONNX exports' cards).
    /// </summary>
    public static long InferenceBytesPerImage(nn.Module<Tensor, Tensor> model, InputShape input) =>
        4 * (Activations(model, input) / 2);

    /// <summary>Per image: the sum of the layers' outputs (elements).</summary>
    private static long Activations(nn.Module<Tensor, Tensor> model, InputShape input)
    {
        // Activations grow with the pixel count: count them at a small probe size and scale up, so that the
        // estimate itself never allocates what it is meant to warn about.
        const int probe = 64;
        var small = input with { Height = Math.Min(input.Height, probe), Width = Math.Min(input.Width, probe) };
        var profile = ModelProfiler.Profile(model, small.WithBatch(1));
        double scale = (double)input.Height * input.Width / (small.Height * small.Width);
        var sizes = profile.Layers.Select(l => l.OutputShape.Skip(1).Aggregate(1L, (a, b) => a * b)).ToList();
        return (long)(scale * sizes.Sum());
    }

    private static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());

    /// <summary>Refuses a batch whose estimate the resource guard says will not fit, naming both figures, before
    /// anything large is allocated: every entry point that runs a model calls it (training for a training step,
    /// inference otherwise).</summary>
    public static void RequireFits(nn.Module<Tensor, Tensor> model, InputShape input, int batch, bool training = true)
    {
        if (ResourceGuard.AvailableBytes() is null)
            return; // nothing to compare with: skip the estimate's probe run
        long needed = training ? TrainingBytes(model, input, batch) : InferenceBytes(model, input, batch);
        ResourceGuard.RequireMemory(needed, $"batch {batch} at {input}", training ? "train" : "run",
            "use a smaller batch or input");
    }

    /// <summary>The same refusal for an ONNX file run by ONNX Runtime, without building its model: the memory per
    /// image its card records (<see cref="ModelCard.BytesPerImage"/>) times the batch, plus the file itself. A file
    /// without that figure (not LeanNets', or older) is not checked.</summary>
    public static void RequireFits(ModelCard? card, string path, int batch)
    {
        if (card?.BytesPerImage is not long perImage)
            return;
        long needed = new FileInfo(path).Length + batch * perImage;
        ResourceGuard.RequireMemory(needed, $"batch {batch} of {Path.GetFileName(path)}", "run",
            "use a smaller batch");
    }
}
