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
            var (scale, shift) = Affine(bn, initializers);
            if (OnlyConv(bn.Input[0], scale.Length) is { } conv)
            {
                ScaleConv(graph, initializers, conv, scale, shift);
                conv.Output[0] = bn.Output[0];
            }
            else if (index.Producer(bn.Input[0]) is { OpType: "Add" } add
                && OnlyConv(add.Input[0], scale.Length) is { } first
                && OnlyConv(add.Input[1], scale.Length) is { } second)
            {
                ScaleConv(graph, initializers, first, scale, new float[scale.Length]);
                ScaleConv(graph, initializers, second, scale, shift);
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

    /// <summary>A batch norm as the per-channel affine map it computes at inference: y = scale * x + shift.
    /// </summary>
    public static (float[] Scale, float[] Shift) Affine(NodeProto bn,
        IReadOnlyDictionary<string, TensorProto> initializers)
    {
        float eps = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
        float[] gamma = OnnxTensors.Floats(initializers[bn.Input[1]]),
            beta = OnnxTensors.Floats(initializers[bn.Input[2]]),
            mean = OnnxTensors.Floats(initializers[bn.Input[3]]),
            variance = OnnxTensors.Floats(initializers[bn.Input[4]]);
        var scale = new float[gamma.Length];
        var shift = new float[gamma.Length];
        for (int c = 0; c < gamma.Length; c++)
        {
            double s = gamma[c] / Math.Sqrt(variance[c] + eps);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - mean[c] * s);
        }
        return (scale, shift);
    }

    /// <summary>Multiplies a convolution's output channels by <paramref name="scale"/> and adds
    /// <paramref name="shift"/> (its weights and bias rewritten; a bias is added if it had none).</summary>
    public static void ScaleConv(GraphProto graph, Dictionary<string, TensorProto> initializers, NodeProto conv,
        float[] scale, float[] shift)
    {
        var weight = initializers[conv.Input[1]];
        float[] w = OnnxTensors.Floats(weight);
        int channels = scale.Length,
            perChannel = w.Length / channels;
        float[] bias = conv.Input.Count > 2 ? OnnxTensors.Floats(initializers[conv.Input[2]]) : new float[channels];
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < perChannel; i++)
                w[c * perChannel + i] *= scale[c];
            bias[c] = bias[c] * scale[c] + shift[c];
        }
        weight.RawData = OnnxTensors.Float(weight.Name, w).RawData;
        var biasProto = OnnxTensors.Float(conv.Output[0] + ".folded_bias", bias, channels);
        graph.Initializer.Add(biasProto);
        initializers[biasProto.Name] = biasProto;
        if (conv.Input.Count > 2)
            conv.Input[2] = biasProto.Name;
        else
            conv.Input.Add(biasProto.Name);
    }
}
