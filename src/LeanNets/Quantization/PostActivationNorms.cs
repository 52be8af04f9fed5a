using LeanNets.Export;
using LeanNets.Layers;
using LeanNets.Onnx;
using Onnx;

namespace LeanNets.Quantization;

/// <summary>
/// Prepares VGNet's convolution, ReLU, batch norm order for per-tensor activation quantization. After the ReLU the
/// channels have very different ranges (the batch norm evens them out only afterwards), so one scale for the
/// tensor leaves the narrow channels a few levels, and the batch norm then magnifies their error (VGNetG lost 7
/// points of top-1 this way). Since relu(a x) = a relu(x) for a > 0, each channel's |scale| moves into the
/// convolution before the ReLU, and the batch norm becomes a 1x1 depthwise convolution with weights +-1 and the
/// shift as bias: the same function in float, evened-out ranges for the quantizer, and an op ONNX Runtime runs
/// on integers.
/// </summary>
public static class PostActivationNorms
{
    public static int Apply(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var index = new GraphIndex(graph);
        int rewritten = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (index.Producer(bn.Input[0]) is not { OpType: "Relu" } relu
                || !index.ReadOnce(bn.Input[0])
                || index.Producer(relu.Input[0]) is not { OpType: "Conv" } conv
                || !index.ReadOnce(relu.Input[0]))
                continue;
            var (scale, shift) = BatchNormFolding.Affine(bn, initializers);
            if (scale.Any(s => s == 0 || !float.IsFinite(s)))
                continue;
            int channels = scale.Length;
            BatchNormFolding.ScaleConv(graph, initializers, conv, new ChannelAffine([.. scale.Select(Math.Abs)], null));
            string name = bn.Name.Replace("/BatchNormalization", "/Conv", StringComparison.Ordinal);
            var sign = OnnxTensors.Float($"{name}.sign", [.. scale.Select(s => s > 0 ? 1f : -1f)], channels, 1, 1, 1);
            var bias = OnnxTensors.Float($"{name}.shift", shift!, channels);
            graph.Initializer.Add(sign);
            graph.Initializer.Add(bias);
            var depthwise = new NodeProto { OpType = "Conv", Name = name };
            depthwise.Input.AddRange([bn.Input[0], sign.Name, bias.Name]);
            depthwise.Output.Add(bn.Output[0]);
            depthwise.Attribute.AddRange([Attr.Ints("kernel_shape", 1, 1), Attr.Ints("strides", 1, 1),
                Attr.Ints("pads", 0, 0, 0, 0), Attr.Ints("dilations", 1, 1), Attr.Int("group", channels)]);
            graph.Node[graph.Node.IndexOf(bn)] = depthwise;
            rewritten++;
        }
        OnnxTensors.RemoveUnused(graph);
        return rewritten;
    }
}
