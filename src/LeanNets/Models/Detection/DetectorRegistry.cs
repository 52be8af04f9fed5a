using LeanNets.Layers;
using LeanNets.Models.DualConvPaper;

namespace LeanNets.Models.Detection;

/// <summary>A registered detector configuration.</summary>
/// <param name="Width">channel multiplier of backbone and heads (1 = the paper's network).</param>
public sealed record DetectorSpec(string Name, InputShape DefaultInput, int DefaultClasses, double Width, ConvKind Kind)
{
    public YoloV3 Create(int? numClasses = null, int? inChannels = null) =>
        WeightInit.Apply(
            new YoloV3(Name, numClasses ?? DefaultClasses, inChannels ?? DefaultInput.Channels, Width, Kind, null)
        ).InitializePriors();
}

/// <summary>
/// The detectors: YOLO-V3 and the DualConv paper's Table VII rows (VOC: 20 classes at 416x416), plus narrow
/// configurations (`_w25`, `_w50`: a quarter or half of every width) that train on a CPU.
/// </summary>
public static class DetectorRegistry
{
    /// <summary>The paper's (VOC) input side, every detector's default.</summary>
    public const int DefaultInputSize = 416;

    /// <summary>Detector inputs are square, a multiple of the coarsest stride (32), at most 4096.</summary>
    public static void RequireInputSize(int side) =>
        Bounds.Require(side is >= 32 and <= 4096 && side % 32 == 0, "input size", side, "a multiple of 32 in 32..4096");

    private static readonly Lazy<IReadOnlyDictionary<string, DetectorSpec>> Entries = new(() =>
        Specs().ToDictionary(s => s.Name)
    );

    public static IReadOnlyList<DetectorSpec> List() => [.. Entries.Value.Values];

    public static bool Contains(string name) => Entries.Value.ContainsKey(name);

    public static DetectorSpec Get(string name) =>
        Entries.Value.TryGetValue(name, out var spec)
            ? spec
            : throw new LeanNetsUsageException(
                $"unknown detector '{name}'; detectors: {string.Join(", ", Entries.Value.Keys)}"
            );

    private static IEnumerable<DetectorSpec> Specs()
    {
        var voc = new InputShape(3, DefaultInputSize, DefaultInputSize);
        foreach (var kind in ConvKind.PaperDualConvs.Prepend(ConvKind.Standard))
            yield return new DetectorSpec("yolov3" + kind.Suffix, voc, 20, 1.0, kind);
        foreach (var (tag, width) in new[] { ("_w25", 0.25), ("_w50", 0.5) })
        {
            yield return new DetectorSpec("yolov3" + tag, voc, 20, width, ConvKind.Standard);
            yield return new DetectorSpec("yolov3" + tag + "_dualconv_g4", voc, 20, width, ConvKind.Dual(4));
        }
    }
}
