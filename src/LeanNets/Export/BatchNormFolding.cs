using LeanNets.Onnx;
using Onnx;

namespace LeanNets.Export;

/// <summary>
/// Folds each BatchNormalization whose input is a Conv output used by nothing else into that Conv:
/// w' = w * gamma / sqrt(var + eps) per output channel, b' = (b - mean) * gamma / sqrt(var + eps) + beta.
/// Inference then skips one pass over every such map; the result equals the unfolded graph up to rounding.
/// </summary>
public static class BatchNormFolding
{
    public static int Apply(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var consumers = graph
            .Node.SelectMany(n => n.Input)
            .GroupBy(name => name)
            .ToDictionary(g => g.Key, g => g.Count());
        var producer = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        int folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            var conv = producer.GetValueOrDefault(bn.Input[0]);
            if (conv is not { OpType: "Conv" } || consumers[bn.Input[0]] != 1)
                continue;
            float eps = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            float[] gamma = OnnxTensors.Floats(initializers[bn.Input[1]]),
                beta = OnnxTensors.Floats(initializers[bn.Input[2]]),
                mean = OnnxTensors.Floats(initializers[bn.Input[3]]),
                variance = OnnxTensors.Floats(initializers[bn.Input[4]]);
            var weight = initializers[conv.Input[1]];
            float[] w = OnnxTensors.Floats(weight);
            int outChannels = gamma.Length,
                perChannel = w.Length / outChannels;
            float[] bias = conv.Input.Count > 2
                ? OnnxTensors.Floats(initializers[conv.Input[2]])
                : new float[outChannels];
            for (int c = 0; c < outChannels; c++)
            {
                double scale = gamma[c] / Math.Sqrt(variance[c] + eps);
                for (int i = 0; i < perChannel; i++)
                    w[c * perChannel + i] = (float)(w[c * perChannel + i] * scale);
                bias[c] = (float)((bias[c] - mean[c]) * scale + beta[c]);
            }
            weight.RawData = OnnxTensors.Float(weight.Name, w).RawData;
            var biasProto = OnnxTensors.Float(conv.Output[0] + ".folded_bias", bias, outChannels);
            graph.Initializer.Add(biasProto);
            if (conv.Input.Count > 2)
                conv.Input[2] = biasProto.Name;
            else
                conv.Input.Add(biasProto.Name);
            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
            folded++;
        }
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet();
        foreach (var unused in graph.Initializer.Where(t => !used.Contains(t.Name)).ToList())
            graph.Initializer.Remove(unused);
        return folded;
    }
}
