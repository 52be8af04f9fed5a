namespace LeanNets.Layers;

/// <summary>
/// A per-channel affine map y = scale * x + shift, as an inference-mode batch norm computes it
/// (scale = gamma / sqrt(variance + eps), shift = beta - mean * scale), and its absorption into the convolution
/// before it: each output channel's weights times its scale, the bias times the scale plus the shift. Batch-norm
/// folding is this one computation whether it runs on a model's tensors (<see cref="NormFolding"/>, the eager
/// engine) or on an ONNX graph's initializers (the exporter's and the quantizer's graph folding), so the two
/// cannot drift apart.
/// </summary>
/// <param name="Shift">null for a pure scaling (one of two summed branches, where the other takes the shift).
/// </param>
public sealed record ChannelAffine(float[] Scale, float[]? Shift)
{
    public int Channels => Scale.Length;

    public static ChannelAffine OfNorm(float[] gamma, float[] beta, float[] mean, float[] variance, double eps)
    {
        var scale = new float[gamma.Length];
        var shift = new float[gamma.Length];
        for (int c = 0; c < gamma.Length; c++)
        {
            // In double: each folded value is then one float32 rounding away from the exact one.
            double s = gamma[c] / Math.Sqrt(variance[c] + eps);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - mean[c] * s);
        }
        return new ChannelAffine(scale, shift);
    }

    /// <summary>The scaling alone (no shift).</summary>
    public ChannelAffine WithoutShift => this with { Shift = null };

    /// <summary>
    /// Rescales a convolution's weights in place (<paramref name="weight"/>: [channels, ...] flattened) and returns
    /// its new bias: the old one (zeros when none) scaled plus the shift, or null when there was no bias and there
    /// is no shift (nothing to add).
    /// </summary>
    public float[]? Absorb(float[] weight, float[]? bias)
    {
        if (weight.Length % Channels != 0)
            throw new ArgumentException($"{weight.Length} weights do not split over {Channels} channels");
        int perChannel = weight.Length / Channels;
        for (int c = 0; c < Channels; c++)
            for (int i = 0; i < perChannel; i++)
                weight[c * perChannel + i] *= Scale[c];
        if (bias == null && Shift == null)
            return null;
        var result = new float[Channels];
        for (int c = 0; c < Channels; c++)
            result[c] = (bias?[c] ?? 0) * Scale[c] + (Shift?[c] ?? 0);
        return result;
    }
}
