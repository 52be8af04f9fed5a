using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace LeanNets.Onnx;

/// <summary>Reading and writing ONNX initializers as arrays (raw little-endian data, or the typed lists a
/// scalar may use).</summary>
public static class OnnxTensors
{
    public static float[] Floats(TensorProto t) =>
        t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray();

    public static TensorProto Create<T>(string name, TensorProto.Types.DataType type, T[] values,
        params long[] dims)
        where T : unmanaged
    {
        var proto = new TensorProto { Name = name, DataType = (int)type };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return proto;
    }

    public static TensorProto Float(string name, float[] values, params long[] dims) =>
        Create(name, TensorProto.Types.DataType.Float, values, dims);

    /// <summary>Drops the initializers no node reads any more: a rewrite (folding, quantizing) leaves the tensors
    /// it replaced behind, and a file that kept them would carry both copies.</summary>
    public static void RemoveUnused(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet();
        foreach (var unused in graph.Initializer.Where(t => !used.Contains(t.Name)).ToList())
            graph.Initializer.Remove(unused);
    }
}
