using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// Batch normalisation (PyTorch's BatchNorm2d over (N, C, H, W), BatchNorm1d over (N, C) or (N, C, L)) with the
/// same parameters, buffers and state-dict names as TorchSharp's modules, which every model uses in their place.
/// TorchSharp's training forward counts batches with <c>num_batches_tracked.add_(1)</c>: two temporary native
/// scalars (the 1 and the hidden alpha) that nothing keeps alive during the call, so a garbage collection on
/// another thread can free them while libtorch reads them. Under a thread that collects continuously it failed
/// within a second ("Unknown scalar type", "For integral input tensors, argument alpha must not be a floating
/// point number"), the failure a long detector run met once in 110 epochs. Here the count uses scalars that live
/// for the process (<see cref="OwnedScalars"/>).
/// </summary>
public sealed class BatchNorm : TorchSharp.Modules.BatchNorm
{
    private const double Epsilon = 1e-5,
        Momentum = 0.1;

    private readonly int inputRank;

    private BatchNorm(long features, int inputRank, string name)
        : base(features, Epsilon, Momentum, affine: true, track_running_stats: true, null, null, name)
    {
        this.inputRank = inputRank;
    }

    /// <summary>PyTorch's BatchNorm2d: per channel of (N, C, H, W).</summary>
    public static BatchNorm Over2d(long channels) => new(channels, 4, "BatchNorm2d");

    /// <summary>PyTorch's BatchNorm1d: per feature of (N, C) or (N, C, L).</summary>
    public static BatchNorm Over1d(long features) => new(features, 2, "BatchNorm1d");

    /// <summary>True for the 2-D (per channel of an image) kind, the one a convolution can absorb.</summary>
    public bool IsSpatial => inputRank == 4;

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        double factor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is Tensor count)
        {
            count.add_(OwnedScalars.One, OwnedScalars.One);
            if (momentum is null)
                factor = 1.0 / count.item<long>();
        }
        // As PyTorch: batch statistics while training (or with no running statistics), running ones otherwise.
        bool useBatch = training || (running_mean is null && running_var is null);
        bool keepRunning = !training || track_running_stats;
        return nn.functional.batch_norm(
            input,
            keepRunning ? running_mean : null,
            keepRunning ? running_var : null,
            weight,
            bias,
            useBatch,
            factor,
            eps
        );
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        bool fits = IsSpatial ? input.ndim == 4 : input.ndim is 2 or 3;
        if (!fits)
            throw new ArgumentException(
                $"{GetName()} expects a {(IsSpatial ? "4-D" : "2-D or 3-D")} input, got {input.ndim}-D"
            );
    }
}
