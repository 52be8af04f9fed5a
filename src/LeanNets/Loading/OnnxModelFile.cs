using LeanNets.Models;

namespace LeanNets.Loading;

/// <summary>A LeanNets ONNX file as a graph to rewrite or inspect (quantization, model references); running one
/// needs only its metadata (<see cref="OnnxMetadata"/>).</summary>
public static class OnnxModelFile
{
    /// <summary>A LeanNets ONNX file's graph and card, read without running it; a missing file, an unreadable one
    /// or one without a card is named in one line.</summary>
    public static (global::Onnx.ModelProto Model, ModelCard Card) Read(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsUsageException($"ONNX file not found: {path}");
        global::Onnx.ModelProto model;
        try
        {
            model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new LeanNetsException($"{path}: not an ONNX model (unreadable protobuf)");
        }
        return (model, OnnxMetadata.RequireCard(model.MetadataProps.ToDictionary(p => p.Key, p => p.Value), path));
    }
}
