using Google.Protobuf;
using LeanNets.IO;
using LeanNets.Loading;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Models.Detection;
using LeanNets.Training;
using Onnx;

namespace LeanNets.Export;

/// <summary>A registry model of any task (trained weights from any file LeanNets reads, or its initial ones)
/// written as ONNX with its model card in the metadata: a classifier at its trained (or registry) input; a
/// detector's body up to the raw predictions, with the class names, anchors and strides for decoding, or with
/// decoding and NMS in the graph (end to end).</summary>
public static class ModelExport
{
    /// <param name="inputSize">the side to export at (null: the trained one, else the registry's).</param>
    /// <param name="options">opset, batch and folding; its input size, channels and metadata are set here.</param>
    /// <param name="nms">for a detector, decoding and NMS in the graph (<see cref="DetectionPostprocess"/>);
    /// null: the raw predictions.</param>
    public static (ModelProto Proto, InputShape Input) Save(string modelName, string? weights, int? inputSize,
        OnnxExportOptions options, string path, NmsSettings? nms = null)
    {
        var (proto, input) = Export(modelName, weights, inputSize, options, nms);
        AtomicFile.WriteAllBytes(path, proto.ToByteArray());
        return (proto, input);
    }

    /// <summary>The export of <see cref="Save"/>, in memory.</summary>
    public static (ModelProto Proto, InputShape Input) Export(string modelName, string? weights, int? inputSize,
        OnnxExportOptions options, NmsSettings? nms = null)
    {
        if (TrainingTasks.Of(modelName) == ModelCard.Detect)
            return ExportDetector(modelName, weights, inputSize, options, nms);
        if (nms != null)
            throw new LeanNetsUsageException($"--nms is for detectors; {modelName} is a classifier");
        using var loaded = LoadedModel.Open(modelName, weights, inputSize);
        var input = new InputShape(loaded.Data.Channels, loaded.Data.InputSize, loaded.Data.InputSize);
        var card = loaded.Card with { BytesPerImage = MemoryEstimate.InferenceBytesPerImage(loaded.Model, input) };
        var proto = OnnxExporter.Export(loaded.Model, options with
        {
            InputSize = input.Height,
            Channels = input.Channels,
            Metadata = card.ToMetadata(),
        });
        return (proto, input);
    }

    private static (ModelProto, InputShape) ExportDetector(string modelName, string? weights, int? inputSize,
        OnnxExportOptions options, NmsSettings? nms)
    {
        nms?.Validate();
        if (inputSize is int asked)
            YoloLayout.RequireInputSize(asked);
        using var detector = TrainedDetector.Open(modelName, weights);
        var model = detector.Model;
        int side = detector.SideFor(inputSize);
        var metadata = (model.Card(modelName, side, detector.ClassNames, detector.Normalisation) with
        {
            BytesPerImage = MemoryEstimate.InferenceBytesPerImage(model, new InputShape(3, side, side)),
        }).ToMetadata();
        var proto = OnnxExporter.Export(model, options with { InputSize = side, Channels = 3, Metadata = metadata });
        if (nms != null)
            DetectionPostprocess.Append(proto, YoloDecoder.For(model), side, model.NumClasses, nms);
        return (proto, new InputShape(3, side, side));
    }
}
