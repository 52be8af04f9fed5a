using LeanNets.Models.Detection;
using LeanNets.Onnx;
using Onnx;

namespace LeanNets.Export;

/// <summary>
/// Appends YOLO-V3 decoding and ONNX's NonMaxSuppression to a detector body's graph, so that any ONNX Runtime
/// user gets boxes rather than raw predictions. The decoding is <see cref="YoloDecoderTensors.Boxes"/> as graph nodes
/// (sigmoid offsets within the cell, anchor-scaled exponential sizes, clipped to the input); the score is
/// objectness times class probability, zero for a box clipped to nothing; NMS is per class, then each image keeps
/// its best <see cref="NmsSettings.MaxDetections"/> (as LeanNets' decoder does). The first output,
/// <see cref="NmsSettings.OutputName"/>, is [K, 7] floats, best score first: image index in the batch, x1, y1, x2,
/// y2 (input pixels), score, class; the raw predictions stay the second output (what mAP and int8 calibration read).
/// Needs no libtorch: the constants come from the decoder's layout, written as plain initializers.
/// </summary>
public static class DetectionPostprocess
{
    private const string Prefix = "nms/";

    public static void Append(ModelProto model, YoloDecoder decoder, int inputSize, int classes, NmsSettings nms)
    {
        nms.Validate();
        var body = model.Graph;
        string raw = body.Output.Single().Name;
        var cells = decoder.Cells(inputSize);
        var g = new OnnxGraph("postprocess");
        string grid = Table(g, "grid", cells.Select(c => new[] { c.X, c.Y }));
        string halfAnchor = Table(g, "half_anchor", cells.Select(c => new[] { c.Width / 2, c.Height / 2 }));
        string stride = Table(g, "stride", cells.Select(c => new[] { c.Stride }));
        string Part(long start, long end) =>
            g.Node("Slice", [raw, g.Int64s("start", start), g.Int64s("end", end), g.Int64s("axis", 2)]);
        string zero = g.Scalar("zero", 0), side = g.Scalar("side", inputSize);
        var centre = g.Node("Mul", [g.Add(g.Node("Sigmoid", [Part(0, 2)]), grid), stride]);
        var half = g.Node("Mul", [g.Node("Exp", [Part(2, 4)]), halfAnchor]);
        var low = g.Node("Clip", [g.Node("Sub", [centre, half]), zero, side]);
        var high = g.Node("Clip", [g.Add(centre, half), zero, side]);
        var boxes = g.Node("Concat", [low, high], Attr.Int("axis", 2));
        // 1 where the clipped box has width and height, else 0: a box wholly outside the input is no detection.
        string AsFloat(string v) => g.Node("Cast", [v], Attr.Int("to", (int)TensorProto.Types.DataType.Float));
        var extent = AsFloat(g.Node("Greater", [high, low]));
        var valid = g.Node("Mul", [
            g.Node("Slice", [extent, g.Int64s("start", 0), g.Int64s("end", 1), g.Int64s("axis", 2)]),
            g.Node("Slice", [extent, g.Int64s("start", 1), g.Int64s("end", 2), g.Int64s("axis", 2)]),
        ]);
        var scores = g.Node("Mul", [g.Node("Mul", [g.Node("Sigmoid", [Part(4, 5)]),
            g.Node("Sigmoid", [Part(5, 5 + classes)])]), valid]);
        var byClass = g.Node("Transpose", [scores], Attr.Ints("perm", 0, 2, 1));
        var selected = g.Node("NonMaxSuppression", [boxes, byClass, g.Int64s("max_detections", nms.MaxDetections),
            g.Scalar("iou_threshold", nms.IouThreshold), g.Scalar("score_threshold", nms.ScoreThreshold)]);
        string Column(long c) =>
            g.Node("Slice", [selected, g.Int64s("start", c), g.Int64s("end", c + 1), g.Int64s("axis", 1)]);
        string image = Column(0), cls = Column(1), box = Column(2);
        var picked = g.Node("GatherND", [boxes, g.Node("Concat", [image, box], Attr.Int("axis", 1))]);
        var score = g.Node("GatherND", [byClass, selected]);
        var rows = g.Node("Concat", [AsFloat(image), picked, g.Reshape(score, -1, 1), AsFloat(cls)],
            Attr.Int("axis", 1));
        // Best first, as LeanNets' own decoder returns them (TopK over every row is a sort).
        var order = g.Node("TopK", [score, g.Node("Shape", [score])], Attr.Int("axis", 0));
        var sorted = g.Node("Gather", [rows, order], Attr.Int("axis", 0));
        // The best MaxDetections of each image, whatever their class (NMS's own cap is per class): a row's rank
        // in its image is the running count of its image's rows, from a one-hot of the image index.
        var images = g.Node("Gather", [g.Reshape(image, -1), order], Attr.Int("axis", 0));
        var batch = g.Node("Slice", [g.Node("Shape", [raw]), g.Int64s("start", 0), g.Int64s("end", 1)]);
        var oneHot = g.Node("OneHot", [images, batch, g.Int64s("off_on", 0, 1)], Attr.Int("axis", -1));
        var running = g.Node("CumSum", [oneHot, g.Int64Scalar("rows_axis", 0)]);
        var rank = g.Node("GatherElements", [running, g.Reshape(images, -1, 1)], Attr.Int("axis", 1));
        var kept = g.Reshape(g.Node("LessOrEqual", [rank, g.Int64s("max_detections", nms.MaxDetections)]), -1);
        var best = g.Node("Compress", [sorted, kept], Attr.Int("axis", 0));
        Merge(body, g.Proto, raw, best);
        model.MetadataProps.Add(
            new StringStringEntryProto { Key = NmsSettings.MetadataKey, Value = nms.ToMetadata() });
    }

    /// <summary>A [predictions, width] float initializer, one row per prediction.</summary>
    private static string Table(OnnxGraph g, string name, IEnumerable<float[]> rows)
    {
        var values = rows.ToList();
        return g.Floats(name, [values.Count, values[0].Length], [.. values.SelectMany(r => r)]);
    }

    /// <summary>The settings of an end-to-end graph after removing its post-processing (nodes, constants, output
    /// and metadata), which leaves the body with its raw predictions; null (nothing changed) for a raw export.
    /// </summary>
    public static NmsSettings? Strip(ModelProto model, string path)
    {
        var entry = model.MetadataProps.FirstOrDefault(p => p.Key == NmsSettings.MetadataKey);
        if (entry == null)
            return null;
        var settings = NmsSettings.Parse(entry.Value, path);
        var graph = model.Graph;
        foreach (var node in graph.Node.Where(n => n.Name.StartsWith(Prefix, StringComparison.Ordinal)).ToList())
            graph.Node.Remove(node);
        foreach (var constant in graph.Initializer.Where(i => i.Name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToList())
            graph.Initializer.Remove(constant);
        foreach (var output in graph.Output.Where(o => o.Name == NmsSettings.OutputName).ToList())
            graph.Output.Remove(output);
        model.MetadataProps.Remove(entry);
        return settings;
    }

    /// <summary>Adds the post-processing nodes after the body: every name they define is prefixed (so none can
    /// clash with the body's), TopK's second output (the order) is used, and its result becomes the first output.
    /// </summary>
    private static void Merge(GraphProto body, GraphProto post, string raw, string sorted)
    {
        var defined = post.Initializer.Select(i => i.Name).Concat(post.Node.SelectMany(n => n.Output)).ToHashSet();
        string Rename(string name) => name == raw || !defined.Contains(name) ? name : Prefix + name;
        foreach (var initializer in post.Initializer)
            initializer.Name = Rename(initializer.Name);
        foreach (var node in post.Node)
        {
            node.Name = Prefix + node.Name;
            for (int i = 0; i < node.Input.Count; i++)
                node.Input[i] = Rename(node.Input[i]);
            for (int i = 0; i < node.Output.Count; i++)
                node.Output[i] = Rename(node.Output[i]);
            if (node.OpType == "TopK")
                node.Output.Insert(0, Prefix + "sorted_scores");
        }
        var last = post.Node[^1];
        last.Output[0] = NmsSettings.OutputName;
        body.Initializer.AddRange(post.Initializer);
        body.Node.AddRange(post.Node);
        var type = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new() };
        type.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "detections" });
        type.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = NmsSettings.Columns });
        body.Output.Insert(0,
            new ValueInfoProto { Name = NmsSettings.OutputName, Type = new TypeProto { TensorType = type } });
    }
}
