using LeanNets.Inference;
using LeanNets.Measures;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Analysis;

/// <summary>
/// One thing `leannets bench` times, built and ready: a registry model on an engine (TorchSharp optionally with
/// its norms folded) or an ONNX file on ONNX Runtime, each call running the same fixed random batch.
/// </summary>
public sealed class BenchSubject : IDisposable
{
    private readonly Action call;
    private readonly IDisposable[] owned;

    private BenchSubject(
        string model,
        EngineKind engine,
        InputShape shape,
        int batch,
        long? macs,
        int threads,
        Action call,
        params IDisposable[] owned
    )
    {
        Model = model;
        Engine = engine;
        Shape = shape;
        Batch = batch;
        Macs = macs;
        Threads = threads;
        this.call = call;
        this.owned = owned;
    }

    public string Model { get; }
    public EngineKind Engine { get; }
    public InputShape Shape { get; }
    public int Batch { get; }

    /// <summary>Multiply-accumulates per image as the profiler counts them; unknown for an ONNX file.</summary>
    public long? Macs { get; }

    public int Threads { get; }

    /// <summary>The TorchSharp model runs with its batch norms folded into the convolutions.</summary>
    public bool NormsFolded { get; private init; }

    /// <summary>What to time for one model argument at one batch size: an ONNX file once; a registry model on each
    /// engine, on TorchSharp also with its norms folded when asked.</summary>
    public static IEnumerable<Func<BenchSubject>> For(
        string name,
        int batch,
        InputShape? shape,
        EngineKind[] engines,
        bool fold
    ) =>
        Loading.OnnxMetadata.IsOnnxFile(name)
            ? [() => ForOnnxFile(name, batch)]
            : engines.SelectMany(engine =>
                (fold && engine == EngineKind.TorchSharp ? new[] { false, true } : [false]).Select(folded =>
                    (Func<BenchSubject>)(() => ForModel(name, shape, batch, engine, folded))
                )
            );

    /// <summary>Runs the model once on the batch.</summary>
    public void Call() => call();

    /// <param name="input">the input shape, or null for the model's own.</param>
    /// <param name="engine">TorchSharp runs the eager model in eval mode without autograd; ONNX Runtime runs its
    /// export (BN folded; a detector's body without decoding), built in memory.</param>
    /// <param name="foldNorms">fold batch norms into convolutions first (TorchSharp only: the export always
    /// folds).</param>
    public static BenchSubject ForModel(
        string model,
        InputShape? input,
        int batch,
        EngineKind engine = EngineKind.TorchSharp,
        bool foldNorms = false
    )
    {
        RequireBatch(batch);
        var spec = CountedModel.Get(model);
        var shape = input ?? spec.DefaultInput;
        spec.RequireInput(shape);
        var net = spec.Create(inChannels: shape.Channels);
        try
        {
            MemoryEstimate.RequireFits(net, shape, batch, training: false);
            long macs = ModelProfiler.Profile(net, shape.WithBatch(1)).Macs;
            if (engine == EngineKind.OnnxRuntime)
            {
                var session = OnnxRuntimeSession.ForModel(net, shape.Height, shape.Channels);
                net.Dispose();
                return ForSession(model, session, shape, batch, macs);
            }
            if (foldNorms)
                Layers.NormFolding.Fold(net);
            net.eval();
            var data = randn(shape.WithBatch(batch));
            return new BenchSubject(
                model,
                engine,
                shape,
                batch,
                macs,
                get_num_threads(),
                () => LatencyMeter.Infer(net, data),
                net,
                data
            )
            {
                NormsFolded = foldNorms,
            };
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>Any ONNX classifier file (e.g. torchvision's own export) on ONNX Runtime, at the input size the
    /// file declares. Touches no libtorch: a process timing only files need not load it.</summary>
    public static BenchSubject ForOnnxFile(string path, int batch)
    {
        RequireBatch(batch);
        var session = OnnxRuntimeSession.FromFile(path);
        try
        {
            var dims = session.InputDimensions;
            if (dims.Count != 4 || dims.Skip(1).Any(d => d <= 0) || (dims[0] > 0 && dims[0] != batch))
                throw new LeanNetsUsageException(
                    $"{path}: input ({string.Join(", ", dims)}) is not (batch, C, H, W) with fixed C, H, W "
                        + $"for batch {batch}"
                );
            Measures.MemoryEstimate.RequireFits(ModelCard.FromMetadata(session.Metadata, path), path, batch);
            return ForSession(Path.GetFileName(path), session, new InputShape(dims[1], dims[2], dims[3]), batch, null);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The result of timing this subject.</summary>
    public BenchResult Result(Latency latency, long? peakResidentBytes) =>
        new(
            Model,
            Engine,
            Shape.ToString(),
            Batch,
            latency.MedianMs,
            latency.MinMs,
            latency.P10Ms,
            latency.P90Ms,
            latency.ImagesPerSecond,
            Macs is long m ? 2.0 * m * Batch / (latency.MedianMs * 1e6) : null,
            peakResidentBytes,
            Threads
        )
        {
            NormsFolded = NormsFolded,
        };

    public void Dispose()
    {
        foreach (var resource in owned)
            resource.Dispose();
    }

    private static void RequireBatch(int batch) => Bounds.Require(batch is > 0 and <= 4096, "batch", batch, "1..4096");

    private static BenchSubject ForSession(
        string model,
        OnnxRuntimeSession session,
        InputShape shape,
        int batch,
        long? macs
    )
    {
        var random = new Random(0);
        var data = new float[batch * shape.Channels * shape.Height * shape.Width];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        int[] dims = [batch, shape.Channels, shape.Height, shape.Width];
        return new BenchSubject(
            model,
            EngineKind.OnnxRuntime,
            shape,
            batch,
            macs,
            Runtime.LeanRuntime.Threads,
            () => session.Logits(data, dims),
            session
        );
    }
}
