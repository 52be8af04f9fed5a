using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>One model's inference speed on this machine, as `leannets bench` prints and writes it. GFLOP/s counts
/// two operations per multiply-accumulate of the profiler; the peak resident memory is the process's own,
/// reset before the measurement (it includes the runtime and the model).</summary>
public sealed record BenchResult(
    string Model,
    Inference.EngineKind Engine,
    string Input,
    int Batch,
    double MedianMs,
    double MinMs,
    double P10Ms,
    double P90Ms,
    double ImagesPerSecond,
    double? GflopsPerSecond,
    long? PeakRssBytes,
    int Threads
)
{
    /// <summary>The TorchSharp model ran with its batch norms folded into the convolutions
    /// (<see cref="Layers.NormFolding"/>).</summary>
    public bool NormsFolded { get; init; }

    /// <summary>The engine as tables show it.</summary>
    public string EngineLabel => NormsFolded ? $"{Engine}+fold" : Engine.ToString();

    /// <param name="input">the input shape, or null for the model's own.</param>
    /// <param name="foldNorms">fold batch norms into convolutions before timing TorchSharp (ONNX Runtime's
    /// export always folds).</param>
    /// <param name="engine">TorchSharp runs the eager model; ONNX Runtime runs its export (BN folded; a
    /// detector's body without decoding), built in memory, with as many threads as TorchSharp uses.</param>
    public static BenchResult Measure(
        string model,
        InputShape? input,
        int batch,
        int runs,
        Inference.EngineKind engine = Inference.EngineKind.TorchSharp,
        bool foldNorms = false
    )
    {
        RequireCounts(batch, runs);
        var spec = CountedModel.Get(model);
        var shape = input ?? spec.DefaultInput;
        using var net = spec.Create(inChannels: shape.Channels);
        long macs = ModelProfiler.Profile(net, shape.WithBatch(1)).Macs;
        bool fold = foldNorms && engine == Inference.EngineKind.TorchSharp;
        if (fold)
            Layers.NormFolding.Fold(net);
        Runtime.ProcessMemory.ResetPeak();
        var latency = engine == Inference.EngineKind.TorchSharp
            ? LatencyMeter.Measure(net, shape, batch, runs)
            : MeasureOnnxRuntime(net, shape, batch, runs);
        return From(model, engine, shape, latency, 2.0 * macs * batch / (latency.MedianMs * 1e6)) with
        {
            NormsFolded = fold,
        };
    }

    /// <summary>Any ONNX classifier file (e.g. torchvision's own export) on ONNX Runtime, at the input size the
    /// file declares; its operation count is unknown, so GFLOP/s is left out.</summary>
    public static BenchResult MeasureOnnxFile(string path, int batch, int runs)
    {
        RequireCounts(batch, runs);
        using var session = Inference.OnnxRuntimeSession.FromFile(path, TorchSharp.torch.get_num_threads());
        var dims = session.InputDimensions;
        if (dims.Count != 4 || dims.Skip(1).Any(d => d <= 0) || (dims[0] > 0 && dims[0] != batch))
            throw new LeanNetsUsageException(
                $"{path}: input ({string.Join(", ", dims)}) is not (batch, C, H, W) with fixed C, H, W "
                    + $"for batch {batch}"
            );
        var shape = new InputShape(dims[1], dims[2], dims[3]);
        Runtime.ProcessMemory.ResetPeak();
        var latency = TimeSession(session, shape, batch, runs);
        return From(Path.GetFileName(path), Inference.EngineKind.OnnxRuntime, shape, latency, null);
    }

    private static void RequireCounts(int batch, int runs)
    {
        Bounds.Require(batch is > 0 and <= 4096, "batch", batch, "1..4096");
        Bounds.Require(runs is > 0 and <= 100_000, "runs", runs, "1..100000");
    }

    /// <summary>A result read right after its measurement: the peak memory and thread count are current.</summary>
    private static BenchResult From(
        string model,
        Inference.EngineKind engine,
        InputShape shape,
        Latency latency,
        double? gflopsPerSecond
    ) =>
        new(
            model,
            engine,
            shape.ToString(),
            latency.Batch,
            latency.MedianMs,
            latency.MinMs,
            latency.P10Ms,
            latency.P90Ms,
            latency.ImagesPerSecond,
            gflopsPerSecond,
            Runtime.ProcessMemory.PeakResidentBytes(),
            TorchSharp.torch.get_num_threads()
        );

    private static Latency MeasureOnnxRuntime(
        TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> net,
        InputShape shape,
        int batch,
        int runs
    )
    {
        using var session = Inference.OnnxRuntimeSession.ForModel(
            net,
            shape.Height,
            shape.Channels,
            TorchSharp.torch.get_num_threads()
        );
        return TimeSession(session, shape, batch, runs);
    }

    private static Latency TimeSession(Inference.OnnxRuntimeSession session, InputShape shape, int batch, int runs)
    {
        var random = new Random(0);
        var data = new float[batch * shape.Channels * shape.Height * shape.Width];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        int[] dims = [batch, shape.Channels, shape.Height, shape.Width];
        return LatencyMeter.Time(() => session.Logits(data, dims), batch, runs);
    }
}
