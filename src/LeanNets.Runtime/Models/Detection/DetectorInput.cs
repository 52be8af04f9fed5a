namespace LeanNets.Models.Detection;

/// <summary>
/// How a detector's letterboxed RGB pixels become its input: scaled to 0..1, then (v - Mean[c]) / Std[c] per
/// channel. A detector trained from scratch takes RGB / 255 (<see cref="Unit"/>); one whose backbone started from
/// pretrained weights takes that backbone's normalisation (ML.NET's ImageNet ResNet-18 wants 0..255 minus a mean),
/// recorded in its card so that training, evaluation, detection, calibration and export agree.
/// </summary>
public sealed record DetectorInput
{
    public DetectorInput(float[] mean, float[] std)
    {
        if (mean.Length != 3 || std.Length != 3)
            throw new LeanNetsUsageException(
                $"a detector takes RGB, but the normalisation has {mean.Length} means and {std.Length} deviations");
        if (std.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)))
            throw new LeanNetsUsageException("a detector's normalisation needs finite means and positive deviations");
        (Mean, Std) = (mean, std);
    }

    /// <summary>RGB / 255: mean 0, std 1.</summary>
    public static DetectorInput Unit { get; } = new([0, 0, 0], [1, 1, 1]);

    public float[] Mean { get; }
    public float[] Std { get; }

    /// <summary>The normalisation a card describes.</summary>
    public static DetectorInput Of(ModelCard card) => new(card.Mean, card.Std);

    /// <summary>Normalises channel-major RGB values in 0..1, in place.</summary>
    public void Apply(Span<float> rgb)
    {
        int plane = rgb.Length / 3;
        for (int c = 0; c < 3; c++)
        {
            if (Mean[c] == 0 && Std[c] == 1)
                continue;
            float mean = Mean[c], inverse = 1 / Std[c];
            foreach (ref float v in rgb.Slice(c * plane, plane))
                v = (v - mean) * inverse;
        }
    }

    /// <summary>The input of letterboxed channel-major RGB bytes.</summary>
    public float[] FromPixels(byte[] pixels)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            values[i] = pixels[i] / 255f;
        Apply(values);
        return values;
    }
}
