using System.Globalization;
using System.Text.Json;
using LeanNets.Data;
using LeanNets.Inference;

namespace LeanNets.Export;

/// <summary>
/// What LeanNets stores in an exported model's metadata so the file alone can be used: the registry name, the
/// input size and channels, the normalisation and the class names (keys prefixed "leannets.").
/// </summary>
public static class OnnxMetadata
{
    private const string Model = "leannets.model",
        Input = "leannets.input",
        Mean = "leannets.mean",
        Std = "leannets.std",
        Classes = "leannets.classes",
        Task = "leannets.task",
        Anchors = "leannets.anchors",
        Strides = "leannets.strides";

    public static Dictionary<string, string> For(LoadedModel loaded) =>
        new()
        {
            [Model] = loaded.Model.GetName(),
            [Input] = $"{loaded.Data.Channels}x{loaded.Data.InputSize}x{loaded.Data.InputSize}",
            [Mean] = JsonSerializer.Serialize(loaded.Data.Mean),
            [Std] = JsonSerializer.Serialize(loaded.Data.Std),
            [Classes] = JsonSerializer.Serialize(loaded.ClassNames),
        };

    /// <summary>A detector body's metadata: inputs are RGB / 255 (mean 0, std 1), letterboxed to the square
    /// input; the anchors (pixels, smallest first) and strides let a user decode the raw predictions.</summary>
    public static Dictionary<string, string> ForDetector(
        Models.Detection.YoloV3 model,
        string name,
        int inputSize,
        IReadOnlyList<string> classNames
    ) =>
        new()
        {
            [Model] = name,
            [Task] = "detect",
            [Input] = $"3x{inputSize}x{inputSize}",
            [Mean] = JsonSerializer.Serialize(new float[] { 0, 0, 0 }),
            [Std] = JsonSerializer.Serialize(new float[] { 1, 1, 1 }),
            [Classes] = JsonSerializer.Serialize(classNames),
            [Anchors] = JsonSerializer.Serialize(model.Anchors.Select(a => new[] { a.Width, a.Height })),
            [Strides] = JsonSerializer.Serialize(Models.Detection.YoloV3.Strides),
        };

    /// <summary>The data config and class names of a LeanNets classifier export; a file without them, or a
    /// detector's export (whose output is not class scores), is refused.</summary>
    public static (string Model, DataConfig Data, IReadOnlyList<string> ClassNames) Read(
        IReadOnlyDictionary<string, string> metadata,
        string file
    )
    {
        string Get(string key) =>
            metadata.TryGetValue(key, out var value)
                ? value
                : throw new LeanNetsUsageException($"{file}: no '{key}' metadata (not exported by LeanNets)");
        if (metadata.TryGetValue(Task, out var task) && task == "detect")
            throw new LeanNetsUsageException(
                $"{file} is a detector ({Get(Model)}): it finds objects, it does not classify images; run "
                    + $"'leannets detect {Get(Model)} --weights WEIGHTS IMAGE...' with its trained weights"
            );
        try
        {
            var input = Models.InputShape.Parse(Get(Input));
            var mean = JsonSerializer.Deserialize<float[]>(Get(Mean)) ?? [];
            var std = JsonSerializer.Deserialize<float[]>(Get(Std)) ?? [];
            var classes = JsonSerializer.Deserialize<string[]>(Get(Classes)) ?? [];
            if (mean.Length != input.Channels || std.Length != input.Channels)
                throw new LeanNetsUsageException($"{file}: mean/std do not match {input.Channels} input channels");
            var data = new DataConfig(input.Height, input.Channels, mean, std, Augmentation.None, 0, false);
            return (Get(Model), data, classes);
        }
        catch (JsonException e)
        {
            throw new LeanNetsUsageException(
                string.Create(CultureInfo.InvariantCulture, $"{file}: unreadable LeanNets metadata ({e.Message})")
            );
        }
    }
}
