using System.Globalization;
using LeanNets.Models.Detection;

namespace LeanNets.Export;

/// <summary>What a detector's end-to-end ONNX file keeps: scores above <paramref name="ScoreThreshold"/>, boxes
/// of a class overlapping a better one by more than <paramref name="IouThreshold"/> suppressed, the
/// <paramref name="MaxDetections"/> best per image. The defaults are `detect`'s.</summary>
public sealed record NmsSettings(
    float ScoreThreshold = YoloDecoder.DefaultConfidenceThreshold,
    float IouThreshold = 0.45f,
    int MaxDetections = 100
)
{
    /// <summary>The metadata key that marks an end-to-end file and records its settings.</summary>
    public const string MetadataKey = "leannets.nms";

    /// <summary>An end-to-end file's first output: [K, <see cref="Columns"/>] floats, best score first (image index
    /// in the batch, x1, y1, x2, y2 in input pixels, score, class).</summary>
    public const string OutputName = "detections";

    public const int Columns = 7;

    public void Validate()
    {
        Bounds.Require(ScoreThreshold is > 0 and < 1, "NMS score threshold", ScoreThreshold, "(0, 1)");
        Bounds.Require(IouThreshold is > 0 and <= 1, "NMS IoU threshold", IouThreshold, "(0, 1]");
        Bounds.Require(MaxDetections is >= 1 and <= 10_000, "NMS detections per image", MaxDetections, "1..10000");
    }

    public string ToMetadata() =>
        string.Create(CultureInfo.InvariantCulture,
            $"score_threshold={ScoreThreshold:R};iou_threshold={IouThreshold:R};max_detections={MaxDetections}");

    /// <summary>The settings an end-to-end file records (<see cref="ToMetadata"/>); a damaged entry is named.
    /// </summary>
    public static NmsSettings Parse(string text, string path)
    {
        var fields = text.Split(';').Select(f => f.Split('=')).Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => f[1]);
        bool Read(string key, out double value) =>
            double.TryParse(fields.GetValueOrDefault(key), NumberStyles.Float, CultureInfo.InvariantCulture,
                out value);
        if (!Read("score_threshold", out double score) || !Read("iou_threshold", out double iou)
            || !Read("max_detections", out double max))
            throw new LeanNetsException($"{path}: unreadable '{MetadataKey}' metadata '{text}'");
        var settings = new NmsSettings((float)score, (float)iou, (int)max);
        settings.Validate();
        return settings;
    }
}
