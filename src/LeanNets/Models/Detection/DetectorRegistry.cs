using LeanNets.Layers;
using LeanNets.Models.DualConvPaper;

namespace LeanNets.Models.Detection;

/// <summary>A registered detector configuration: YOLO-V3's heads on a backbone classifier.</summary>
/// <param name="Backbone">builds the backbone for the given input channels (its classifier head is dropped).</param>
/// <param name="Kind">the heads' 3x3 convolution kind.</param>
public sealed record DetectorSpec(
    string Name,
    InputShape DefaultInput,
    int DefaultClasses,
    Paper Paper,
    Func<int, Classifier> Backbone,
    ConvKind Kind
)
{
    /// <param name="anchors">width-height pairs in input pixels, smallest first (null: yolov3.cfg's).</param>
    public YoloV3 Create(int? numClasses = null, int? inChannels = null, IReadOnlyList<float[]>? anchors = null)
    {
        var backbone = Backbone(inChannels ?? DefaultInput.Channels);
        YoloV3 detector;
        try
        {
            detector = new YoloV3(Name, backbone, numClasses ?? DefaultClasses, Kind,
                anchors?.Select(a => new Anchor(a[0], a[1])).ToList());
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
        return WeightInit.Apply(detector).InitializePriors();
    }
}

/// <summary>
/// The detectors: YOLO-V3 and the DualConv paper's Table VII rows (VOC: 20 classes at 416x416), plus narrow
/// configurations (`_w25`, `_w50`: a quarter or half of every width) that train on a CPU. Beyond them,
/// <c>yolov3_on_NAME</c> puts the heads on registry classifier NAME (any with stages at strides 8, 16 and 32,
/// user-registered ones included). They are not listed: the heads take the last map of each stride, so their
/// sizes follow the backbone (on MobileNetV2 the stride-32 map is its 1280-wide last conv: 27.3M parameters).
/// </summary>
public static class DetectorRegistry
{
    /// <summary>The prefix of a detector on a registry classifier: <c>yolov3_on_</c> + the classifier's name.
    /// </summary>
    public const string OnPrefix = "yolov3_on_";

    /// <summary>The paper's (VOC) input side, every detector's default.</summary>
    public const int DefaultInputSize = 416;

    private static readonly Lazy<IReadOnlyDictionary<string, DetectorSpec>> Entries = new(() =>
        Specs().ToDictionary(s => s.Name)
    );

    public static IReadOnlyList<DetectorSpec> List() => [.. Entries.Value.Values];

    public static bool Contains(string name) => TryGet(name) != null;

    public static DetectorSpec Get(string name) =>
        TryGet(name)
        ?? throw new LeanNetsUsageException(
            $"unknown detector '{name}'; detectors: {string.Join(", ", Entries.Value.Keys)}, "
                + $"or {OnPrefix}CLASSIFIER"
        );

    private static DetectorSpec? TryGet(string name)
    {
        if (Entries.Value.TryGetValue(name, out var spec))
            return spec;
        string backbone = name.StartsWith(OnPrefix, StringComparison.Ordinal) ? name[OnPrefix.Length..] : "";
        return ModelRegistry.Contains(backbone) ? On(backbone) : null;
    }

    /// <summary>The heads (standard convolutions) on registry classifier <paramref name="backbone"/>, at the
    /// detectors' input side with the classifier's input channels.</summary>
    private static DetectorSpec On(string backbone)
    {
        var input = ModelRegistry.Get(backbone).DefaultInput with
        {
            Height = DefaultInputSize,
            Width = DefaultInputSize,
        };
        return new DetectorSpec(OnPrefix + backbone, input, 20, Paper.User,
            channels => ModelRegistry.Create(backbone, 1, channels), ConvKind.Standard);
    }

    private static IEnumerable<DetectorSpec> Specs()
    {
        var voc = new InputShape(3, DefaultInputSize, DefaultInputSize);
        DetectorSpec OnDarknet(string name, double width, ConvKind kind) =>
            new(name, voc, 20, Paper.DualConv,
                channels => Darknet.Network("darknet53", new ModelOptions(1, channels), width, kind), kind);
        foreach (var kind in ConvKind.PaperDualConvs.Prepend(ConvKind.Standard))
            yield return OnDarknet("yolov3" + kind.Suffix, 1.0, kind);
        foreach (var (tag, width) in new[] { ("_w25", 0.25), ("_w50", 0.5) })
        {
            yield return OnDarknet("yolov3" + tag, width, ConvKind.Standard);
            yield return OnDarknet("yolov3" + tag + "_dualconv_g4", width, ConvKind.Dual(4));
        }
    }
}
