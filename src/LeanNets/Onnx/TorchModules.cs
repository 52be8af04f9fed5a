using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Onnx;

/// <summary>ONNX nodes for TorchSharp's own modules (LeanNets' modules write theirs through
/// <see cref="IOnnxExportable"/>).</summary>
internal static class TorchModules
{
    public static string Emit(OnnxGraph g, nn.Module module, string x) =>
        module switch
        {
            Sequential seq => seq.named_children().Aggregate(x, (value, child) => g.Emit(child.module, value)),
            Conv2d conv => Conv(g, conv, x),
            BatchNorm bn => BatchNorm(g, bn, bn.num_features, bn.eps, x),
            ReLU => g.Node("Relu", [x]),
            ReLU6 => g.Node("Clip", [x, g.Scalar("min", 0), g.Scalar("max", 6)]),
            LeakyReLU leaky => g.Node("LeakyRelu", [x], Attr.Float("alpha", (float)leaky.negative_slope)),
            Sigmoid => g.Node("Sigmoid", [x]),
            SiLU => g.Node("Mul", [x, g.Node("Sigmoid", [x])]),
            Hardswish => g.Node("HardSwish", [x]),
            Hardsigmoid => g.Node("HardSigmoid", [x], Attr.Float("alpha", 1f / 6), Attr.Float("beta", 0.5f)),
            MaxPool2d pool => MaxPool(g, pool, x),
            AdaptiveAvgPool2d pool => AdaptiveAveragePool(g, pool, x),
            Flatten { start_dim: 1, end_dim: -1 } => g.Node("Flatten", [x], Attr.Int("axis", 1)),
            Linear linear => Gemm(g, linear, x),
            Dropout or Identity => x,
            _ => throw new OnnxExportException($"{g.Describe(module)} has no ONNX export"),
        };

    private static string Conv(OnnxGraph g, Conv2d conv, string x)
    {
        bool symmetricZeros = conv.padding_mode == PaddingModes.Zeros && conv.padding_type == null;
        if (!symmetricZeros || conv.padding is not [var ph, var pw] || ph != pw)
            throw new OnnxExportException($"{g.Describe(conv)}: only symmetric zero padding is exported");
        if (conv.stride[0] != conv.stride[1] || conv.dilation[0] != conv.dilation[1])
            throw new OnnxExportException($"{g.Describe(conv)}: only equal strides and dilations are exported");
        return g.Conv(x, conv.weight!, conv.bias, conv.stride[0], conv.padding[0], conv.groups, conv.dilation[0]);
    }

    /// <summary>Every batch norm (LeanNets' and TorchSharp's, in a user's model; 1d and 2d) alike: ONNX normalises
    /// axis 1 of (N, C) and (N, C, H, W).</summary>
    private static string BatchNorm(OnnxGraph g, nn.Module bn, long channels, double eps, string x)
    {
        var p = bn.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var b = bn.named_buffers().ToDictionary(n => n.name, n => n.buffer);
        string scale = g.Weight("scale", p.TryGetValue("weight", out var w) ? w : ones(channels)),
            shift = g.Weight("shift", p.TryGetValue("bias", out var s) ? s : zeros(channels));
        return g.Node(
            "BatchNormalization",
            [x, scale, shift, g.Weight("mean", b["running_mean"]), g.Weight("var", b["running_var"])],
            Attr.Float("epsilon", (float)eps)
        );
    }

    private static string MaxPool(OnnxGraph g, MaxPool2d pool, string x)
    {
        long[] k = pool.kernel_size, s = pool.stride ?? pool.kernel_size, p = pool.padding ?? [0];
        long Pick(long[] v, int i) => v.Length > i ? v[i] : v[0];
        return g.Node(
            "MaxPool",
            [x],
            Attr.Ints("kernel_shape", Pick(k, 0), Pick(k, 1)),
            Attr.Ints("strides", Pick(s, 0), Pick(s, 1)),
            Attr.Ints("pads", Pick(p, 0), Pick(p, 1), Pick(p, 0), Pick(p, 1)),
            Attr.Int("ceil_mode", pool.ceil_mode ? 1 : 0)
        );
    }

    /// <summary>Global pooling for size 1; an average pool when the recorded map divides evenly; a 1x1 map
    /// repeated (what adaptive pooling does to it, e.g. VGG's 7x7 head on a 32-pixel input); else refused
    /// (ONNX has no adaptive pooling).</summary>
    private static string AdaptiveAveragePool(OnnxGraph g, AdaptiveAvgPool2d pool, string x)
    {
        long[] size = pool.output_size;
        long oh = size[0], ow = size.Length > 1 ? size[1] : size[0];
        if (oh == 1 && ow == 1)
            return g.Node("GlobalAveragePool", [x]);
        var shape = g.InputShape(pool);
        long h = shape[2], w = shape[3];
        if ((h % oh != 0 || w % ow != 0) && (h, w) != (1, 1))
            throw new OnnxExportException(
                $"{g.Describe(pool)}: a {h}x{w} map does not divide into {oh}x{ow}; export at another input size"
            );
        if (h == oh && w == ow)
            return x;
        if (h == 1 && w == 1)
            return g.Node("Expand", [x, g.Int64s("shape", 1, 1, oh, ow)]);
        return g.Node(
            "AveragePool",
            [x],
            Attr.Ints("kernel_shape", h / oh, w / ow),
            Attr.Ints("strides", h / oh, w / ow)
        );
    }

    private static string Gemm(OnnxGraph g, Linear linear, string x)
    {
        var inputs = new List<string> { x, g.Weight("weight", linear.weight!) };
        if (linear.bias is { } bias)
            inputs.Add(g.Weight("bias", bias));
        return g.Node("Gemm", inputs, Attr.Int("transB", 1));
    }
}
