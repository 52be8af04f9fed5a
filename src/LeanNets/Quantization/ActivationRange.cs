namespace LeanNets.Quantization;

/// <summary>The float interval an activation is quantized over, and the scale and zero point that map it onto the
/// integer type (the interval always holds 0, so that zero padding is exact).</summary>
public readonly record struct ActivationRange(float Low, float High)
{
    public (float Scale, int ZeroPoint) Parameters(ActivationType type)
    {
        double low = Math.Min(Low, 0), high = Math.Max(High, 0);
        // A dead (constant zero) tensor still gets an ordinary step: a vanishing one would make the bias scale of
        // the convolution it feeds vanish too, and its int32 bias saturate.
        double scale = high - low < 1e-6 ? 1.0 / 255 : (high - low) / 255;
        int lowest = type == ActivationType.UInt8 ? 0 : -128;
        int zero = (int)Math.Clamp(Math.Round(lowest - low / scale), lowest, lowest + 255);
        return ((float)scale, zero);
    }
}
