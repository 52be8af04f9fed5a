namespace LeanNets.Quantization;

/// <summary>How activation ranges are chosen from the calibration images.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: nothing clipped, coarse steps when outliers are rare.</summary>
    MinMax,

    /// <summary>The values at <see cref="QuantizeOptions.Percentile"/> and its mirror: rare outliers clipped.</summary>
    Percentile,

    /// <summary>The clipping threshold whose quantized histogram is closest to the measured one (least KL
    /// divergence, as TensorRT's calibrator).</summary>
    Entropy,
}

/// <summary>The integer type of activations (weights are always signed int8, symmetric per output channel).
/// </summary>
public enum ActivationType
{
    UInt8,
    Int8,
}

/// <summary>What <see cref="Int8Quantizer"/> does: how many calibration images, the method, the activation type,
/// and the layers kept in float32.</summary>
public sealed record QuantizeOptions
{
    public const int MinImages = 8,
        MaxImages = 10_000;

    public int Images { get; init; } = 256;

    public CalibrationMethod Method { get; init; } = CalibrationMethod.Percentile;

    /// <summary>The percentile of <see cref="CalibrationMethod.Percentile"/> (the top and bottom 0.01% clipped by
    /// default).</summary>
    public double Percentile { get; init; } = 99.99;

    public ActivationType Activations { get; init; } = ActivationType.UInt8;

    /// <summary>Bits of the int8 weights' magnitude range: 7 (values -63..63) runs exactly on every x86 CPU; 8
    /// (-127..127) is finer but saturates on x86 CPUs without VNNI (ONNX Runtime's "reduce range" advice).
    /// </summary>
    public int WeightBits { get; init; } = 7;

    /// <summary>Layers (module paths, e.g. <c>features.0</c>, or a prefix of them) run in float32.</summary>
    public IReadOnlyList<string> KeepFloat { get; init; } = [];

    /// <summary>Keep in float32 every convolution that loses more than this many dB of SQNR on its own (null: none
    /// chosen automatically).</summary>
    public double? AutoKeepLoss { get; init; }

    /// <summary>Skip unreadable calibration images (counted) instead of stopping at the first.</summary>
    public bool SkipBad { get; init; }

    public void Validate()
    {
        Bounds.Require(Images is >= MinImages and <= MaxImages, "calibration images", Images,
            $"{MinImages}..{MaxImages}");
        Bounds.Require(double.IsFinite(Percentile) && Percentile is > 50 and <= 100, "percentile", Percentile,
            "(50, 100]");
        Bounds.Require(WeightBits is 7 or 8, "weight bits", WeightBits, "7 or 8");
        Bounds.Require(AutoKeepLoss is null or (> 0 and < 100), "auto-keep loss", AutoKeepLoss ?? 0, "(0, 100) dB");
    }
}
