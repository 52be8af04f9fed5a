using LeanNets.Layers;
using LeanNets.Onnx;
using Onnx;

namespace LeanNets.Export;

/// <summary>
/// Folds batch norms into the convolutions before them: a BatchNormalization whose input is a Conv output used by
/// nothing else (w' = w * gamma / sqrt(var + eps) per output channel, b' = (b - mean) * gamma / sqrt(var + eps) +
/// beta), and one whose input is the sum of two such convolutions (DualConv's group and pointwise paths: both are
/// scaled, one takes the shift). Inference then skips one pass over every such map; the result equals the
/// unfolded graph up to rounding.
/// </summary>
public static class BatchNormFolding
{
    public static int Apply(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var index = new GraphIndex(graph);
        // A convolution whose output only the batch norm (or the sum before it) reads, with one output channel per
        // normalised channel (a broadcast sum would not have).
        NodeProto? OnlyConv(string value, int channels) =>
            index.Producer(value) is { OpType: "Conv" } conv && index.ReadOnce(value)
                && initializers.TryGetValue(conv.Input[1], out var w) && w.Dims[0] == channels ? conv : null;
        int folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (!index.ReadOnce(bn.Input[0]))
                continue;
            var affine = Affine(bn, initializers);
            if (OnlyConv(bn.Input[0], affine.Channels) is { } conv)
            {
                ScaleConv(graph, initializers, conv, affine);
                conv.Output[0] = bn.Output[0];
            }
            else if (index.Producer(bn.Input[0]) is { OpType: "Add" } add
                && OnlyConv(add.Input[0], affine.Channels) is { } first
                && OnlyConv(add.Input[1], affine.Channels) is { } second)
            {
                ScaleConv(graph, initializers, first, affine.WithoutShift);
                ScaleConv(graph, initializers, second, affine);
                add.Output[0] = bn.Output[0];
            }
            else
            {
                continue;
            }
            graph.Node.Remove(bn);
            folded++;
        }
        OnnxTensors.RemoveUnused(graph);
        return folded;
    }

    /// <summary>A batch norm node as the per-channel affine map it computes at inference.</summary>
    public static ChannelAffine Affine(NodeProto bn, IReadOnlyDictionary<string, TensorProto> initializers) =>
        ChannelAffine.OfNorm(
            OnnxTensors.Floats(initializers[bn.Input[1]]),
            OnnxTensors.Floats(initializers[bn.Input[2]]),
            OnnxTensors.Floats(initializers[bn.Input[3]]),
            OnnxTensors.Floats(initializers[bn.Input[4]]),
            bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f
        );

    /// <summary>Applies <paramref name="affine"/> to a Conv node's output through its weight and bias initializers
    /// (the weights rewritten, a new bias written: the graph's may be shared).</summary>
    public static void ScaleConv(GraphProto graph, Dictionary<string, TensorProto> initializers, NodeProto conv,
        ChannelAffine affine)
    {
        var weight = initializers[conv.Input[1]];
        float[] w = OnnxTensors.Floats(weight);
        float[] old = conv.Input.Count > 2
            ? OnnxTensors.Floats(initializers[conv.Input[2]])
            : new float[affine.Channels];
        float[] bias = affine.Absorb(w, old)!;
        weight.RawData = OnnxTensors.Float(weight.Name, w).RawData;
        var biasProto = OnnxTensors.Float(conv.Output[0] + ".folded_bias", bias, affine.Channels);
        graph.Initializer.Add(biasProto);
        initializers[biasProto.Name] = biasProto;
        if (conv.Input.Count > 2)
            conv.Input[2] = biasProto.Name;
        else
            conv.Input.Add(biasProto.Name);
    }
}
