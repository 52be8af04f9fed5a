using Onnx;

namespace LeanNets.Export;

/// <summary>A registry detector (trained weights, or initial ones) written as ONNX: the body up to the raw
/// predictions, with the class names, anchors and strides in the metadata for decoding.</summary>
public static class DetectorExport
{
    /// <param name="inputSize">the side to export at (null: the trained one, else the registry's).</param>
    /// <param name="options">opset, batch and folding; its input size and channels are set here.</param>
    public static (ModelProto Proto, int InputSize) Save(string modelName, string? weights, int? inputSize,
        OnnxExportOptions options, string path)
    {
        if (inputSize is int asked)
            Models.Detection.DetectorRegistry.RequireInputSize(asked);
        using var detector = weights != null ? Loading.TrainedDetector.Load(modelName, weights) : null;
        using var initial = detector == null ? Models.Detection.DetectorRegistry.Get(modelName).Create() : null;
        var model = detector?.Model ?? initial!;
        var names = detector?.ClassNames ?? Models.ModelCard.Numbered(model.NumClasses);
        int side = detector?.SideFor(inputSize) ?? inputSize ?? Models.Detection.DetectorRegistry.DefaultInputSize;
        var metadata = model.Card(modelName, side, names).ToMetadata();
        return (OnnxExporter.Save(model, options with { InputSize = side, Channels = 3, Metadata = metadata }, path),
            side);
    }
}
