using LeanNets.Inference;
using Onnx;

namespace LeanNets.Quantization;

/// <summary>
/// Activation ranges measured by running the float graph over the calibration images in ONNX Runtime with every
/// tensor to quantize declared an output: a first pass for the extremes, and for the percentile and entropy
/// methods a second pass that fills a histogram of each tensor (2048 bins) to choose where to clip.
/// </summary>
public static class TensorStatistics
{
    private const int Bins = 2048,
        BatchSize = 16;

    public static Dictionary<string, ActivationRange> Measure(ModelProto model, IReadOnlyCollection<string> tensors,
        CalibrationSet images, QuantizeOptions options, IProgress<string>? progress = null)
    {
        using var session = WithOutputs(model, tensors);
        RequireFits(session, images, tensors);
        var low = tensors.ToDictionary(t => t, _ => float.PositiveInfinity);
        var high = tensors.ToDictionary(t => t, _ => float.NegativeInfinity);
        progress?.Report($"calibration: {images.Images.Count} images, {tensors.Count} tensors, pass 1 (extremes)");
        ForEachBatch(session, images, tensors, (name, values) =>
        {
            float lo = low[name], hi = high[name];
            foreach (float v in values)
            {
                if (v < lo)
                    lo = v;
                if (v > hi)
                    hi = v;
            }
            if (!float.IsFinite(lo) || !float.IsFinite(hi))
                throw new LeanNetsException($"the float model's tensor '{name}' is not finite on the calibration "
                    + "images: it cannot be quantized");
            (low[name], high[name]) = (lo, hi);
        });
        if (options.Method == CalibrationMethod.MinMax)
            return tensors.ToDictionary(t => t, t => new ActivationRange(low[t], high[t]));

        // Percentile: a histogram over [low, high]; entropy: over [0, max |x|] (a symmetric threshold).
        bool entropy = options.Method == CalibrationMethod.Entropy;
        var histograms = tensors.ToDictionary(t => t, _ => new long[Bins]);
        var (start, width) = (new Dictionary<string, float>(), new Dictionary<string, float>());
        foreach (var t in tensors)
        {
            float top = entropy ? Math.Max(Math.Abs(low[t]), Math.Abs(high[t])) : high[t];
            start[t] = entropy ? 0 : low[t];
            width[t] = Math.Max((top - start[t]) / Bins, 1e-12f);
        }
        progress?.Report($"calibration: pass 2 ({(entropy ? "entropy" : $"percentile {options.Percentile}")})");
        ForEachBatch(session, images, tensors, (name, values) =>
        {
            var h = histograms[name];
            float s = start[name], inverse = 1 / width[name];
            foreach (float v in values)
            {
                float x = entropy ? Math.Abs(v) : v;
                h[Math.Clamp((int)((x - s) * inverse), 0, Bins - 1)]++;
            }
        });
        return tensors.ToDictionary(t => t, t =>
        {
            if (!entropy)
            {
                var (lo, hi) = PercentileBounds(histograms[t], options.Percentile);
                return new ActivationRange(
                    low[t] >= 0 ? low[t] : start[t] + lo * width[t], start[t] + hi * width[t]);
            }
            // 256 levels: the activations are asymmetric (uint8 or int8 with a zero point), not 128 per sign.
            float threshold = EntropyThreshold(histograms[t], 256) * width[t];
            return new ActivationRange(Math.Max(low[t], -threshold), Math.Min(high[t], threshold));
        });
    }

    /// <summary>The bin edges (in bins) below which (100 - p)% and above which (100 - p)% of the values lie.
    /// </summary>
    internal static (int Low, int High) PercentileBounds(long[] histogram, double percentile)
    {
        long total = histogram.Sum();
        double tail = total * (1 - percentile / 100);
        int lo = 0, hi = histogram.Length;
        for (long seen = 0; lo < histogram.Length && seen + histogram[lo] <= tail; lo++)
            seen += histogram[lo];
        for (long seen = 0; hi > lo + 1 && seen + histogram[hi - 1] <= tail; hi--)
            seen += histogram[hi - 1];
        return (lo, hi);
    }

    /// <summary>The clipping point (in bins) whose quantization to <paramref name="levels"/> levels keeps the
    /// histogram's distribution closest (least Kullback-Leibler divergence); values beyond it are clipped to it.
    /// </summary>
    internal static float EntropyThreshold(long[] histogram, int levels)
    {
        int best = histogram.Length;
        double bestDivergence = double.PositiveInfinity;
        for (int edge = levels; edge <= histogram.Length; edge += 16)
        {
            double divergence = Divergence(histogram, edge, levels);
            if (divergence < bestDivergence)
                (best, bestDivergence) = (edge, divergence);
        }
        return best;
    }

    /// <remarks>Bin 0 is left out: it holds a ReLU's exact zeros, which every threshold represents exactly, and
    /// spreading that spike over a level's bins would otherwise dominate the divergence and pull the threshold far
    /// down (a half-normal with half its values zero was clipped at 1.8 sigma; without bin 0, at 4.8 of 5).
    /// </remarks>
    private static double Divergence(long[] histogram, int edge, int levels)
    {
        var p = new double[edge];
        for (int i = 1; i < edge; i++)
            p[i] = histogram[i];
        for (int i = edge; i < histogram.Length; i++)
            p[edge - 1] += histogram[i];
        var q = new double[edge];
        for (int j = 0; j < levels; j++)
        {
            int from = (int)((long)j * edge / levels), to = (int)((long)(j + 1) * edge / levels);
            double sum = 0;
            int used = 0;
            for (int i = Math.Max(from, 1); i < to; i++)
            {
                sum += histogram[i];
                used += histogram[i] > 0 ? 1 : 0;
            }
            for (int i = Math.Max(from, 1); i < to; i++)
                q[i] = histogram[i] > 0 ? sum / used : 0;
        }
        double pTotal = p.Sum(), qTotal = q.Sum();
        if (pTotal == 0 || qTotal == 0)
            return 0;
        double kl = 0;
        for (int i = 0; i < edge; i++)
        {
            if (p[i] == 0)
                continue;
            double pi = p[i] / pTotal, qi = q[i] / qTotal;
            // A bin the quantized histogram empties (only clipped mass lands there) costs as a tiny q would.
            kl += pi * Math.Log(pi / Math.Max(qi, 1e-12));
        }
        return kl;
    }

    /// <summary>A session over <paramref name="model"/> with the given values declared outputs (float, shape
    /// left for ONNX Runtime to infer).</summary>
    internal static OnnxRuntimeSession WithOutputs(ModelProto model, IEnumerable<string> tensors)
    {
        var copy = model.Clone();
        var declared = copy.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var t in tensors.Where(declared.Add))
            copy.Graph.Output.Add(new ValueInfoProto
            {
                Name = t,
                Type = new TypeProto
                {
                    TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float },
                },
            });
        return new OnnxRuntimeSession(Google.Protobuf.MessageExtensions.ToByteArray(copy));
    }

    /// <summary>Refuses a calibration pass that cannot fit before it starts: ONNX Runtime returns every declared
    /// tensor of a batch at once, so one image's outputs are measured and scaled to the batch (twice: the runtime's
    /// buffers and the copies handed over). A fixed-batch file's batch is the work itself and is not probed.
    /// </summary>
    private static void RequireFits(OnnxRuntimeSession session, CalibrationSet images,
        IReadOnlyCollection<string> tensors)
    {
        if (session.InputDimensions[0] > 0 || images.Images.Count == 0)
            return;
        long perImage = 0;
        session.Run(images.Images[0], [1, .. images.ImageShape], tensors, (_, values) => perImage += values.Length);
        int batch = Math.Min(BatchSize, images.Images.Count);
        Runtime.ResourceGuard.RequireMemory(2 * 4 * perImage * batch,
            $"calibration (batches of {batch}, {tensors.Count} tensors each)", "run",
            "use a smaller input size, or quantize on a machine with more memory");
    }

    internal static void ForEachBatch(OnnxRuntimeSession session, CalibrationSet images,
        IReadOnlyCollection<string> tensors, OnnxRuntimeSession.SpanVisitor visit, int? limit = null)
    {
        int count = Math.Min(limit ?? int.MaxValue, images.Images.Count);
        // A graph exported with a fixed batch runs whole batches of it; a dynamic one (-1) batches of 16.
        bool fixedBatch = session.InputDimensions[0] > 0;
        int size = fixedBatch ? session.InputDimensions[0] : BatchSize;
        if (fixedBatch && count < size)
            throw new LeanNetsUsageException($"the ONNX file's batch is fixed at {size} but {count} calibration "
                + "images are used: export it with --batch dynamic, or give more images");
        int plane = images.ImageShape.Aggregate(1, (a, b) => a * b);
        for (int from = 0; fixedBatch ? from + size <= count : from < count; from += size)
        {
            int n = Math.Min(size, count - from);
            var batch = new float[n * plane];
            for (int i = 0; i < n; i++)
                images.Images[from + i].CopyTo(batch, i * plane);
            session.Run(batch, [n, .. images.ImageShape], tensors, visit);
        }
    }
}
