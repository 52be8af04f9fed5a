using System.Globalization;
using System.Text.Json;

namespace LeanNets.Models;

/// <summary>
/// What a file of weights is: the architecture (registry name), the task, the input it was trained at, how its
/// pixels are normalised, its class names, and for detectors the anchors (pixels, smallest first) and strides.
/// Every file LeanNets writes carries one: checkpoints in their header, safetensors in their metadata, ONNX files
/// in theirs, PyTorch files in a sidecar (<c>FILE.pth.card.json</c>), so that a file alone says how to use it.
/// Stored as string pairs under "leannets." keys (the metadata safetensors and ONNX allow).
/// </summary>
public sealed record ModelCard(
    string Model,
    string Task,
    InputShape Input,
    float[] Mean,
    float[] Std,
    IReadOnlyList<string> ClassNames
)
{
    public const string Classify = "classify",
        Detect = "detect";

    private const string ModelKey = "leannets.model",
        TaskKey = "leannets.task",
        InputKey = "leannets.input",
        MeanKey = "leannets.mean",
        StdKey = "leannets.std",
        ClassesKey = "leannets.classes",
        AnchorsKey = "leannets.anchors",
        StridesKey = "leannets.strides",
        PrecisionKey = "leannets.precision",
        BytesPerImageKey = "leannets.bytes_per_image",
        CalibrationKey = "leannets.calibration",
        BackboneKey = "leannets.backbone",
        OriginKey = "leannets.origin";

    /// <summary>Anchor sizes (width, height in input pixels) of a detector, smallest first.</summary>
    public IReadOnlyList<float[]>? Anchors { get; init; }

    /// <summary>Output strides of a detector's scales.</summary>
    public IReadOnlyList<int>? Strides { get; init; }

    /// <summary>"int8" for a quantized ONNX file (see <c>leannets quantize</c>); null for float32 weights.</summary>
    public string? Precision { get; init; }

    /// <summary>How a quantized file's activation ranges were measured: method, image count and source.</summary>
    public string? Calibration { get; init; }

    /// <summary>The estimated inference memory one image adds at the card's input (bytes), written into ONNX
    /// exports so that ONNX Runtime work on a file is checked against the memory available without building the
    /// model; null in files from before it was recorded.</summary>
    public long? BytesPerImage { get; init; }

    /// <summary>The weights end at the pooled features: the classifier head was not trained with them (it keeps
    /// its initialisation), so the file is for fine-tuning, probing or features, not for predictions as it is.
    /// </summary>
    public bool Backbone { get; init; }

    /// <summary>Where weights from elsewhere came from (package, version, training data), when known.</summary>
    public string? Origin { get; init; }

    public bool IsDetector => Task == Detect;

    /// <summary>"class 0", "class 1", ...: the names of classes nobody named (weights from elsewhere).</summary>
    public static IReadOnlyList<string> Numbered(int count) =>
        Enumerable.Range(0, count).Select(i => $"class {i}").ToList();

    /// <summary>The card as metadata pairs.</summary>
    public Dictionary<string, string> ToMetadata()
    {
        var pairs = new Dictionary<string, string>
        {
            [ModelKey] = Model,
            [TaskKey] = Task,
            [InputKey] = Input.ToString(),
            [MeanKey] = JsonSerializer.Serialize(Mean, CardJson.Default.SingleArray),
            [StdKey] = JsonSerializer.Serialize(Std, CardJson.Default.SingleArray),
            [ClassesKey] = JsonSerializer.Serialize(ClassNames, CardJson.Default.IReadOnlyListString),
        };
        if (Anchors != null)
            pairs[AnchorsKey] = JsonSerializer.Serialize(Anchors, CardJson.Default.IReadOnlyListSingleArray);
        if (Strides != null)
            pairs[StridesKey] = JsonSerializer.Serialize(Strides, CardJson.Default.IReadOnlyListInt32);
        if (Precision != null)
            pairs[PrecisionKey] = Precision;
        if (Calibration != null)
            pairs[CalibrationKey] = Calibration;
        if (BytesPerImage is long bytes)
            pairs[BytesPerImageKey] = bytes.ToString(CultureInfo.InvariantCulture);
        if (Backbone)
            pairs[BackboneKey] = "true";
        if (Origin != null)
            pairs[OriginKey] = Origin;
        return pairs;
    }

    /// <summary>The card in <paramref name="metadata"/>; null when the file has none (not written by LeanNets,
    /// or by a LeanNets too old to write one); an error naming <paramref name="file"/> when it is damaged.</summary>
    public static ModelCard? FromMetadata(IReadOnlyDictionary<string, string> metadata, string file)
    {
        if (!metadata.ContainsKey(ModelKey))
            return null;
        string Get(string key) =>
            metadata.TryGetValue(key, out var value)
                ? value
                : throw new LeanNetsException($"{file}: its model card has no '{key}'");
        try
        {
            var input = InputShape.Parse(Get(InputKey));
            var mean = JsonSerializer.Deserialize(Get(MeanKey), CardJson.Default.SingleArray) ?? [];
            var std = JsonSerializer.Deserialize(Get(StdKey), CardJson.Default.SingleArray) ?? [];
            if (mean.Length != input.Channels || std.Length != input.Channels)
                throw new LeanNetsException(
                    $"{file}: mean/std of its model card do not match {input.Channels} channels"
                );
            // Files written before the task was recorded are classifiers (detector exports always had it).
            string task = metadata.TryGetValue(TaskKey, out var t) ? t : Classify;
            if (task is not (Classify or Detect))
                throw new LeanNetsException($"{file}: unknown task '{task}' in its model card");
            return new ModelCard(
                Get(ModelKey),
                task,
                input,
                mean,
                std,
                JsonSerializer.Deserialize(Get(ClassesKey), CardJson.Default.StringArray) ?? []
            )
            {
                Anchors = metadata.TryGetValue(AnchorsKey, out var a)
                    ? JsonSerializer.Deserialize(a, CardJson.Default.SingleArrayArray)
                    : null,
                Strides = metadata.TryGetValue(StridesKey, out var s)
                    ? JsonSerializer.Deserialize(s, CardJson.Default.Int32Array)
                    : null,
                Precision = metadata.GetValueOrDefault(PrecisionKey),
                Calibration = metadata.GetValueOrDefault(CalibrationKey),
                BytesPerImage = long.TryParse(metadata.GetValueOrDefault(BytesPerImageKey), NumberStyles.None,
                    CultureInfo.InvariantCulture, out long bytes) ? bytes : null,
                Backbone = metadata.GetValueOrDefault(BackboneKey) == "true",
                Origin = metadata.GetValueOrDefault(OriginKey),
            };
        }
        catch (Exception e) when (e is JsonException or LeanNetsUsageException)
        {
            throw new LeanNetsException(
                string.Create(CultureInfo.InvariantCulture, $"{file}: unreadable model card ({e.Message})")
            );
        }
    }

    /// <summary>Refuses, in one line naming both sides, a card for another architecture or task than the one
    /// asked for.</summary>
    public void Require(string? model, string? task, string file)
    {
        if (task != null && task != Task)
            throw new LeanNetsUsageException(
                $"{file} holds a {(IsDetector ? "detector" : "classifier")} ({Model}); a "
                    + $"{(task == Detect ? "detector" : "classifier")} is needed here"
            );
        if (model != null && model != Model)
            throw new LeanNetsUsageException($"{file} holds weights of '{Model}', not '{model}'");
    }
}
