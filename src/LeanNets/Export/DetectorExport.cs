using Onnx;

namespace LeanNets.Export;

/// <summary>A registry detector (trained weights, or initial ones) written as ONNX: the body up to the raw
/// predictions, with the class names, anchors and strides in the metadata for decoding.</summary>
public static class DetectorExport
{
    public static ModelProto Save(string modelName, string? weights, OnnxExportOptions options, string path)
    {
        Bounds.Require(options.InputSize is >= 32 and <= 4096 && options.InputSize % 32 == 0, "input size",
            options.InputSize, "a multiple of 32 in 32..4096");
        if (options.Channels != 3)
            throw new LeanNetsUsageException($"detectors take 3 input channels, not {options.Channels}");
        using var detector = weights != null ? Inference.Detection.TrainedDetector.Load(modelName, weights) : null;
        using var initial = detector == null ? Models.Detection.DetectorRegistry.Get(modelName).Create() : null;
        var model = detector?.Model ?? initial!;
        var names = detector?.ClassNames ?? Enumerable.Range(0, model.NumClasses).Select(i => $"class {i}").ToList();
        var metadata = OnnxMetadata.ForDetector(model, modelName, options.InputSize, names);
        return OnnxExporter.Save(model, options with { Metadata = metadata }, path);
    }
}
