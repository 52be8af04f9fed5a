using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeanNets.Inference;

/// <summary>
/// An exported model run by ONNX Runtime, set up for speed on CPU: every graph optimisation, the memory
/// pattern on, sequential execution, and a chosen number of intra-op threads (by default the process's,
/// <see cref="Runtime.EngineThreads.Count"/>; one inter-op thread: these graphs are chains).
/// </summary>
public sealed class OnnxRuntimeSession : IInferenceEngine
{
    private readonly InferenceSession session;
    private readonly string inputName;

    /// <param name="optimizedModelPath">where ONNX Runtime writes the graph it will run (after its fusions), to
    /// check which nodes it turned into integer kernels; null writes nothing.</param>
    public OnnxRuntimeSession(byte[] model, int? threads = null, string? optimizedModelPath = null)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableMemoryPattern = true,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads is int t
                ? Runtime.ResourceGuard.RequireThreads(t, "the ONNX Runtime thread count")
                : Runtime.EngineThreads.Count,
            InterOpNumThreads = 1,
        };
        if (optimizedModelPath != null)
        {
            options.OptimizedModelFilePath = optimizedModelPath;
            // Its warning that such a file is tuned to this CPU is expected: the file is only read back here.
            options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        }
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new LeanNetsException($"ONNX Runtime cannot load the model: {e.Message.Split('\n')[0]}", e);
        }
        inputName = session.InputMetadata.Keys.First();
        InputDimensions = session.InputMetadata[inputName].Dimensions;
        OutputNames = [.. session.OutputMetadata.Keys];
        Metadata = session.ModelMetadata.CustomMetadataMap;
    }

    public static OnnxRuntimeSession FromFile(string path, int? threads = null)
    {
        if (!File.Exists(path))
            throw new LeanNetsUsageException($"ONNX file not found: {path}");
        return new OnnxRuntimeSession(File.ReadAllBytes(path), threads);
    }

    /// <summary>The first input's dimensions as the file declares them (-1 for a dynamic one).</summary>
    public IReadOnlyList<int> InputDimensions { get; }

    /// <summary>The graph's outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The model's metadata (LeanNets writes model, input size, mean, std and class names).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Runs a batch given as (N, C, H, W) floats; returns the first output (a classifier's (N, classes)
    /// logits, a detector's (N, predictions, 5 + classes)), row-major.</summary>
    public float[] Logits(float[] input, int[] shape)
    {
        RequireBatch(shape);
        var tensor = new DenseTensor<float>(input, shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        return results[0].AsEnumerable<float>().ToArray();
    }

    /// <summary>A file exported with a fixed batch runs that batch only: said in one line, before ONNX Runtime
    /// fails with its own message.</summary>
    private void RequireBatch(int[] shape)
    {
        if (InputDimensions.Count > 0 && InputDimensions[0] > 0 && shape[0] != InputDimensions[0])
            throw new LeanNetsUsageException($"the ONNX file's batch is fixed at {InputDimensions[0]}, not "
                + $"{shape[0]}: export it with --batch dynamic (the default)");
    }

    /// <summary>Runs a batch and hands each named output (any value of the graph that is declared an output) to
    /// <paramref name="visit"/> as row-major floats, without copying.</summary>
    public void Run(float[] input, int[] shape, IReadOnlyCollection<string> outputs,
        SpanVisitor visit)
    {
        RequireBatch(shape);
        var tensor = new DenseTensor<float>(input, shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)], outputs);
        foreach (var result in results)
            visit(result.Name, ((DenseTensor<float>)result.AsTensor<float>()).Buffer.Span);
    }

    /// <summary>Receives one output of <see cref="Run"/>.</summary>
    public delegate void SpanVisitor(string name, ReadOnlySpan<float> values);

    public void Dispose() => session.Dispose();
}
