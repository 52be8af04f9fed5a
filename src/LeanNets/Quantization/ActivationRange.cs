namespace LeanNets.Quantization;

/// <summary>The float interval an activation is quantized over, and the scale and zero point that map it onto the
/// integer type (the interval always holds 0, so that zero padding is exact).</summary>
public readonly record struct ActivationRange(float Low, float High)
{
    public (float Scale, int ZeroPoint) Parameters(ActivationType type)
    {
        double low = Math.Min(Low, 0), high = Math.Max(High, 0);
        double scale = Math.Max((high - low) / 255, 1e-8);
        int lowest = type == ActivationType.UInt8 ? 0 : -128;
        int zero = (int)Math.Clamp(Math.Round(lowest - low / scale), lowest, lowest + 255);
        return ((float)scale, zero);
    }
}
