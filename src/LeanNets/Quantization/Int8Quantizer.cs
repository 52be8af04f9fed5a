using Google.Protobuf;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.IO;
using LeanNets.Loading;
using LeanNets.Models;
using LeanNets.Models.Detection;
using Onnx;

namespace LeanNets.Quantization;

/// <summary>One layer's quantization error: the signal-to-quantization-noise ratio of its output in the integer
/// graph against the float graph, accumulated from the input on (dB; higher is closer, 6 dB is about one bit),
/// and the part it lost on its own (its worst input's SQNR minus its output's).</summary>
/// <param name="Node">the ONNX node's name (a layer may hold several, e.g. DualConv's two convolutions).</param>
public sealed record LayerError(string Layer, string Op, double Sqnr, double Loss, string Node = "");

/// <summary>What <c>Int8Quantizer.Quantize</c> wrote and measured.</summary>
public sealed record QuantizeReport(
    string Output,
    ModelCard Card,
    int CalibrationImages,
    int SkippedImages,
    int Convolutions,
    int IntegerConvolutions,
    IReadOnlyDictionary<string, int> RuntimeOps,
    IReadOnlyList<(string Layer, string Reason)> KeptFloat,
    IReadOnlyList<LayerError> Layers,
    double OutputSqnr,
    long FloatBytes,
    long IntegerBytes
);

/// <summary>
/// Post-training static quantization of a LeanNets ONNX graph: activation ranges calibrated on the user's images
/// (preprocessed as the model card says), Q/DQ pairs placed where ONNX Runtime fuses them (<see cref="QdqPlan"/>,
/// <see cref="QdqWriter"/>), then checked: the graph ONNX Runtime will run is read back to count the convolutions
/// it made integer, and each layer's error against the float graph is measured on the calibration images. The
/// file keeps the model card, marked int8 with its calibration.
/// </summary>
public static class Int8Quantizer
{
    private const int ErrorImages = 32;

    /// <summary>Quantizes a registry model (its weights from <paramref name="weights"/>, else its initial ones) or
    /// a LeanNets float ONNX file.</summary>
    public static QuantizeReport Quantize(string modelOrFile, string? weights, string calibration,
        QuantizeOptions options, string output, IProgress<string>? progress = null)
    {
        options.Validate();
        ModelProto model;
        if (OnnxMetadata.IsOnnxFile(modelOrFile))
        {
            OnnxMetadata.RefuseFileSettings(modelOrFile, weights);
            model = OnnxModelFile.Read(modelOrFile).Model;
        }
        else
        {
            model = ModelExport.Export(modelOrFile, weights, null, new OnnxExportOptions(0, 3)).Proto;
        }
        return Quantize(model, modelOrFile, calibration, options, output, progress);
    }

    public static QuantizeReport Quantize(ModelProto model, string source, string calibration,
        QuantizeOptions options, string output, IProgress<string>? progress = null)
    {
        options.Validate();
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        var card = OnnxMetadata.RequireCard(metadata, source);
        if (card.Precision != null || model.Graph.Node.Any(n => n.OpType.Contains("Quantize", StringComparison.Ordinal)
            || n.OpType.StartsWith("QLinear", StringComparison.Ordinal)))
            throw new LeanNetsUsageException($"{source} is already quantized ({card.Precision ?? "Q/DQ nodes"})");
        var floatModel = model.Clone();
        // An end-to-end detector is quantized as its body (raw predictions, what the errors compare); its decoding
        // and NMS are added back, in float, to the integer graph.
        var nms = DetectionPostprocess.Strip(floatModel, source);
        BatchNormFolding.Apply(floatModel.Graph);
        PostActivationNorms.Apply(floatModel.Graph);
        foreach (var keep in options.KeepFloat.Where(k => !floatModel.Graph.Node.Any(n => QdqPlan.InLayer(n, k))))
            throw new LeanNetsUsageException($"--keep-fp32 {keep}: no layer of {card.Model} has that name (the "
                + $"layers are module paths such as '{QdqPlan.LayerOf(floatModel.Graph.Node[0])}')");
        var images = CalibrationSet.Load(card, calibration, options.Images, options.SkipBad);
        var ranges = new Dictionary<string, ActivationRange>();
        var plan = QdqPlan.For(floatModel.Graph, options.KeepFloat);
        var (integer, dequantized) = Build(floatModel, plan, ranges, images, options, progress);
        progress?.Report("measuring the error per layer");
        var (layers, outputSqnr) = Errors(floatModel, integer, plan, dequantized, images);
        var autoKept = new List<LayerError>();
        if (options.AutoKeepLoss is double limit)
        {
            // A convolution that loses more than the limit on its own (its input's SQNR minus its output's) is
            // where int8 hurts: run it in float32 and quantize again.
            autoKept = layers.Where(l => l.Op == "Conv" && l.Loss > limit).ToList();
            if (autoKept.Count > 0)
            {
                progress?.Report($"keeping {autoKept.Count} layers in float32 (each lost over {limit} dB)");
                plan = QdqPlan.For(floatModel.Graph, options.KeepFloat, [.. autoKept.Select(l => l.Node)]);
                (integer, dequantized) = Build(floatModel, plan, ranges, images, options, progress);
                (layers, outputSqnr) = Errors(floatModel, integer, plan, dequantized, images);
            }
        }
        string method = options.Method switch
        {
            CalibrationMethod.MinMax => "minmax",
            CalibrationMethod.Entropy => "entropy",
            _ => $"percentile {options.Percentile}",
        };
        var quantizedCard = card with
        {
            Precision = "int8",
            Calibration = $"{method}, {options.Activations.ToString().ToLowerInvariant()} activations, "
                + $"{options.WeightBits}-bit weights, {images.Source}",
        };
        integer.MetadataProps.Clear();
        foreach (var (key, value) in quantizedCard.ToMetadata())
            integer.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        integer.DocString = $"{card.Model} quantized to int8 by LeanNets";
        if (nms != null)
            DetectionPostprocess.Append(integer,
                new YoloDecoder(card.Anchors!.Select(a => new Anchor(a[0], a[1])).ToList(), card.ClassNames.Count),
                card.Input.Height, card.ClassNames.Count, nms);
        var bytes = integer.ToByteArray();

        progress?.Report("checking the graph ONNX Runtime runs");
        var ops = RuntimeOps(bytes);
        AtomicFile.WriteAllBytes(output, bytes);
        int convolutions = floatModel.Graph.Node.Count(n => n.OpType == "Conv");
        int integerConvolutions = ops.Where(p => p.Key.Contains("QLinearConv", StringComparison.Ordinal)
            || p.Key.Contains("ConvInteger", StringComparison.Ordinal)).Sum(p => p.Value);
        var kept = plan.KeptFloat.Select(k => autoKept.FirstOrDefault(a => a.Layer == k.Layer) is { } auto
            ? (k.Layer, $"lost {auto.Loss:F1} dB on its own in int8 (over the --auto-keep limit)")
            : k).ToList();
        return new QuantizeReport(output, quantizedCard, images.Images.Count, images.Skipped, convolutions,
            integerConvolutions, ops, kept, layers, outputSqnr, floatModel.CalculateSize(), bytes.Length);
    }

    /// <summary>The Q/DQ graph of a plan, measuring the ranges it needs that <paramref name="ranges"/> lacks.
    /// </summary>
    private static (ModelProto Model, Dictionary<string, string> Dequantized) Build(ModelProto floatModel,
        QdqPlan plan, Dictionary<string, ActivationRange> ranges, CalibrationSet images, QuantizeOptions options,
        IProgress<string>? progress)
    {
        var missing = plan.Tensors.Where(t => !plan.SameScale.ContainsKey(t) && !ranges.ContainsKey(t)).ToList();
        if (missing.Count > 0)
            foreach (var (name, range) in TensorStatistics.Measure(floatModel, missing, images, options, progress))
                ranges[name] = range;
        return QdqWriter.Apply(floatModel, plan, ranges, options.Activations, options.WeightBits);
    }

    /// <summary>The op types (and counts) of the graph ONNX Runtime builds from the file after its fusions.</summary>
    private static Dictionary<string, int> RuntimeOps(byte[] model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"leannets-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (new OnnxRuntimeSession(model, 1, path)) { }
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node
                .GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>SQNR of every quantized value and of the model's output over the first calibration images; per
    /// integer node, its output's SQNR and what it lost on its own (its worst input's SQNR minus its output's).
    /// </summary>
    private static (List<LayerError> Layers, double Output) Errors(ModelProto floatModel, ModelProto integer,
        QdqPlan plan, Dictionary<string, string> dequantized, CalibrationSet images)
    {
        // The layers' values come from graphs with every dequantized value declared an output, which keeps ONNX
        // Runtime from fusing some groups: they measure the quantization, close to the integer kernels. The model's
        // output is measured apart, on the graph exactly as it ships.
        const string modelOutput = "leannets.output";
        var floatNames = dequantized.Keys.ToList();
        var integerNames = dequantized.Values.ToList();
        floatNames.Add(modelOutput);
        integerNames.Add(modelOutput);
        var signal = floatNames.ToDictionary(n => n, _ => 0.0);
        var noise = floatNames.ToDictionary(n => n, _ => 0.0);
        using var floatSession = TensorStatistics.WithOutputs(floatModel, floatNames.SkipLast(1));
        using var integerSession = TensorStatistics.WithOutputs(integer, integerNames.SkipLast(1));
        using var floatPlain = new OnnxRuntimeSession(floatModel.ToByteArray());
        using var integerPlain = new OnnxRuntimeSession(integer.ToByteArray());
        var floatName = integerNames.Zip(floatNames).ToDictionary(p => p.First, p => p.Second);
        // A few images at a time: both graphs' values of every watched layer are held at once.
        int chunk = floatSession.InputDimensions[0] > 0 ? floatSession.InputDimensions[0] : 4;
        var limited = images.Images.Take(Math.Max(ErrorImages, chunk)).ToList();
        int plane = images.ImageShape.Aggregate(1, (a, b) => a * b);
        for (int from = 0; from + chunk <= limited.Count; from += chunk)
        {
            var batch = new float[chunk * plane];
            for (int i = 0; i < chunk; i++)
                limited[from + i].CopyTo(batch, i * plane);
            int[] shape = [chunk, .. images.ImageShape];
            var reference = new Dictionary<string, float[]>();
            floatSession.Run(batch, shape, floatNames[..^1], (name, span) => reference[name] = span.ToArray());
            reference[modelOutput] = floatPlain.Logits(batch, shape);
            void Compare(string name, ReadOnlySpan<float> span)
            {
                string key = floatName[name];
                var expected = reference[key];
                double s = 0, n = 0;
                for (int i = 0; i < expected.Length; i++)
                {
                    double d = expected[i] - span[i];
                    s += (double)expected[i] * expected[i];
                    n += d * d;
                }
                signal[key] += s;
                noise[key] += n;
            }
            integerSession.Run(batch, shape, integerNames[..^1], Compare);
            Compare(modelOutput, integerPlain.Logits(batch, shape));
        }
        double Sqnr(string t) => noise[t] == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal[t] / noise[t]);
        var consumers = floatModel.Graph.Node.SelectMany(n => n.Input.Select(i => (i, n)))
            .ToLookup(p => p.i, p => p.n);
        var layers = new List<LayerError>();
        foreach (var node in floatModel.Graph.Node.Where(plan.Integer.Contains))
        {
            string t = node.Output[0];
            if (consumers[t].ToList() is [var relu] && plan.Absorbed.Contains(relu))
                t = relu.Output[0];
            if (!dequantized.ContainsKey(t))
                continue;
            var inputs = node.Input.Where(dequantized.ContainsKey).Select(Sqnr).DefaultIfEmpty(double.PositiveInfinity);
            double output = Sqnr(t), worst = inputs.Min();
            layers.Add(new LayerError(QdqPlan.LayerOf(node), node.OpType, output,
                double.IsPositiveInfinity(worst) ? 0 : Math.Max(0, worst - output), node.Name));
        }
        return (layers, Sqnr(modelOutput));
    }
}
