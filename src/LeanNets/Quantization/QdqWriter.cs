using LeanNets.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace LeanNets.Quantization;

/// <summary>
/// Rewrites a float graph by a <see cref="QdqPlan"/> into the quantize/dequantize form ONNX Runtime fuses into
/// integer kernels: each planned value gets a QuantizeLinear after its producer and a DequantizeLinear before each
/// consumer; each integer convolution reads int8 weights (symmetric, one scale per output channel) and int32
/// biases (scale = input scale x weight scale, zero point 0) through DequantizeLinear. Absorbed ReLUs are removed:
/// their producer writes their output, whose quantized range starts at 0. Weights use 7 bits by default
/// (<see cref="QuantizeOptions.WeightBits"/>): x86 CPUs without VNNI multiply uint8 by int8 in pairs summed to 16
/// bits, which saturates with 8-bit weights (VGNetG lost 7 points of top-1 so, 0.2 with 7 bits).
/// </summary>
public static class QdqWriter
{
    /// <returns>the quantized model and, for each planned value, the name of its dequantized copy (what the
    /// integer graph's consumers see, for measuring the error).</returns>
    public static (ModelProto Model, Dictionary<string, string> Dequantized) Apply(ModelProto model, QdqPlan plan,
        IReadOnlyDictionary<string, ActivationRange> ranges, ActivationType type, int weightBits)
    {
        var result = model.Clone();
        var graph = result.Graph;
        var nodes = graph.Node.ToList();
        var byName = nodes.ToDictionary(n => n.Name);
        var integer = plan.Integer.Select(n => byName[n.Name]).ToHashSet(ReferenceEqualityComparer.Instance);
        var kept = plan.Float.Select(n => byName[n.Name]).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var relu in plan.Absorbed)
        {
            var source = nodes.Single(n => n.Output.Contains(relu.Input[0]));
            source.Output[0] = relu.Output[0];
            nodes.Remove(byName[relu.Name]);
        }

        var parameters = new Dictionary<string, (float Scale, int Zero)>();
        foreach (var t in plan.Tensors)
        {
            string source = t;
            while (plan.SameScale.TryGetValue(source, out var from))
                source = from;
            var range = ranges[source];
            parameters[t] = plan.NonNegative.Contains(source) || plan.NonNegative.Contains(t)
                ? (range with { Low = 0 }).Parameters(type)
                : range.Parameters(type);
        }
        var quantized = new Dictionary<string, string>();
        var dequantized = new Dictionary<string, string>();
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var output = new List<NodeProto>();
        var elementType = type == ActivationType.UInt8 ? DataType.Uint8 : DataType.Int8;

        string Quantize(string t)
        {
            var (scale, zero) = parameters[t];
            graph.Initializer.Add(OnnxTensors.Float($"{t}/scale", [scale]));
            graph.Initializer.Add(type == ActivationType.UInt8
                ? OnnxTensors.Create($"{t}/zero_point", elementType, [(byte)zero])
                : OnnxTensors.Create($"{t}/zero_point", elementType, [(sbyte)zero]));
            var q = Node("QuantizeLinear", $"{t}/quantize", [t, $"{t}/scale", $"{t}/zero_point"], $"{t}/q");
            output.Add(q);
            return q.Output[0];
        }

        int dequantizers = 0;
        foreach (var graphInput in graph.Input.Select(i => i.Name).Where(parameters.ContainsKey))
            quantized[graphInput] = Quantize(graphInput);
        foreach (var node in nodes)
        {
            string first = node.Input.Count > 0 ? node.Input[0] : "";
            for (int i = 0; i < node.Input.Count; i++)
            {
                string t = node.Input[i];
                if (!quantized.TryGetValue(t, out var q) || kept.Contains(node))
                    continue;
                // One dequantizer per consumer: ONNX Runtime fuses a node group only when its DQs are its own.
                int k = dequantizers++;
                var dq = Node("DequantizeLinear", $"{t}/dequantize_{k}", [q, $"{t}/scale", $"{t}/zero_point"],
                    $"{t}/dq_{k}");
                output.Add(dq);
                dequantized.TryAdd(t, dq.Output[0]);
                node.Input[i] = dq.Output[0];
            }
            if (integer.Contains(node) && node.OpType == "Conv")
                QuantizeWeights(graph, initializers, node, parameters[first].Scale, weightBits, output);
            output.Add(node);
            foreach (var t in node.Output.Where(parameters.ContainsKey))
                quantized[t] = Quantize(t);
        }
        graph.Node.Clear();
        graph.Node.AddRange(output);
        OnnxTensors.RemoveUnused(graph);
        return (result, dequantized);
    }

    private static void QuantizeWeights(GraphProto graph, Dictionary<string, TensorProto> initializers,
        NodeProto conv, float inputScale, int weightBits, List<NodeProto> output)
    {
        var weight = initializers[conv.Input[1]];
        float[] w = OnnxTensors.Floats(weight);
        int top = (1 << (weightBits - 1)) - 1;
        int channels = (int)weight.Dims[0], per = w.Length / channels;
        var scales = new float[channels];
        var values = new sbyte[w.Length];
        for (int c = 0; c < channels; c++)
        {
            float max = 0;
            for (int i = 0; i < per; i++)
                max = Math.Max(max, Math.Abs(w[c * per + i]));
            // An all-zero filter still needs a positive scale (its bias is quantized with it).
            scales[c] = max > 0 ? max / top : 1f / top;
            for (int i = 0; i < per; i++)
                values[c * per + i] = (sbyte)Math.Clamp(Math.Round(w[c * per + i] / scales[c]), -top, top);
        }
        conv.Input[1] = PerChannel(graph, weight.Name, "int8", DataType.Int8, values, [.. weight.Dims], scales,
            output);
        if (conv.Input.Count < 3 || conv.Input[2].Length == 0)
            return;
        var bias = initializers[conv.Input[2]];
        float[] b = OnnxTensors.Floats(bias);
        var biasScales = scales.Select(s => s * inputScale).ToArray();
        var quantizedBias = b.Select((v, c) => (int)Math.Clamp(Math.Round(v / biasScales[c]), int.MinValue,
            int.MaxValue)).ToArray();
        conv.Input[2] = PerChannel(graph, bias.Name, "int32", DataType.Int32, quantizedBias, [channels], biasScales,
            output);
    }

    /// <summary>An integer initializer with one scale per output channel (axis 0, zero points 0) and the
    /// DequantizeLinear that reads it: a convolution's weight (int8) and bias (int32) are stored alike. Returns the
    /// dequantized value's name.</summary>
    private static string PerChannel<T>(GraphProto graph, string name, string suffix, DataType type, T[] values,
        long[] dims, float[] scales, List<NodeProto> output)
        where T : unmanaged
    {
        graph.Initializer.Add(OnnxTensors.Create($"{name}/{suffix}", type, values, dims));
        graph.Initializer.Add(OnnxTensors.Float($"{name}/scale", scales, scales.Length));
        graph.Initializer.Add(OnnxTensors.Create($"{name}/zero_point", type, new T[scales.Length], scales.Length));
        var dq = Node("DequantizeLinear", $"{name}/dequantize", [$"{name}/{suffix}", $"{name}/scale",
            $"{name}/zero_point"], $"{name}/dq", Attr.Int("axis", 0));
        output.Add(dq);
        return dq.Output[0];
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output,
        params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }
}
