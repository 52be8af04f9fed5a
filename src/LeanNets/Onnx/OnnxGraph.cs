using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Onnx;

/// <summary>
/// The ONNX graph under construction: nodes in execution order, weights as initializers, unique value names,
/// and the input shape every module saw in a recorded forward pass (for ops ONNX needs static sizes for, such
/// as adaptive pooling). Modules add their own nodes through <see cref="Emit"/>.
/// </summary>
public sealed class OnnxGraph
{
    private readonly Dictionary<nn.Module, long[]> inputShapes,
        outputShapes;
    private readonly Dictionary<string, int> used = [];
    private readonly Stack<string> scopes = new();

    internal OnnxGraph(
        Dictionary<nn.Module, long[]> inputShapes,
        Dictionary<nn.Module, long[]> outputShapes,
        Dictionary<nn.Module, string> paths
    )
    {
        this.inputShapes = inputShapes;
        this.outputShapes = outputShapes;
        Paths = paths;
    }

    /// <summary>An empty graph for <paramref name="model"/>: its modules' paths, and each module's first input and
    /// output shapes from one forward pass at <paramref name="size"/> (the caller checks that it fits in memory).
    /// </summary>
    internal static OnnxGraph ForModel(nn.Module<Tensor, Tensor> model, long channels, long size)
    {
        var shapes = new Dictionary<nn.Module, long[]>(ReferenceEqualityComparer.Instance);
        var outputs = new Dictionary<nn.Module, long[]>(ReferenceEqualityComparer.Instance);
        var removers = new List<Action>();
        try
        {
            foreach (var module in model.modules().OfType<nn.Module<Tensor, Tensor>>())
            {
                var handle = module.register_forward_pre_hook(
                    (m, input) =>
                    {
                        shapes.TryAdd(m, input.shape);
                        return input;
                    }
                );
                var after = module.register_forward_hook(
                    (m, _, output) =>
                    {
                        outputs.TryAdd(m, output.shape);
                        return output;
                    }
                );
                removers.Add(() =>
                {
                    handle.remove();
                    after.remove();
                });
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            outputs.TryAdd(model, model.call(zeros(1, channels, size, size)).shape);
        }
        finally
        {
            foreach (var remove in removers)
                remove();
        }
        var paths = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in model.named_modules())
            paths.TryAdd(module, name.Length == 0 ? model.GetName() : name);
        return new OnnxGraph(shapes, outputs, paths);
    }

    /// <summary>A graph of nodes that follow no module (a detector's post-processing), named under
    /// <paramref name="scope"/>.</summary>
    internal OnnxGraph(string scope)
        : this([], [], []) => scopes.Push(scope);

    public GraphProto Proto { get; } = new() { Name = "leannets" };

    internal Dictionary<nn.Module, string> Paths { get; }

    /// <summary>The tensor each initializer was made from (a module's parameter or buffer, by reference) and, when
    /// export changed it (a shared kernel repeated), the inverse that gets it back, so an importer can tell which
    /// of a model's tensors an initializer is.</summary>
    internal Dictionary<string, (Tensor Tensor, Func<Tensor, Tensor>? Back)> WeightSources { get; } = [];

    /// <summary>The (N, C, H, W) input a module received when the model ran at the export size.</summary>
    public long[] InputShape(nn.Module module) =>
        inputShapes.TryGetValue(module, out var shape)
            ? shape
            : throw new OnnxExportException($"{Describe(module)} did not run in the recorded forward pass");

    /// <summary>The (N, C, H, W) output of a module in the recorded forward pass.</summary>
    public long[] OutputShape(nn.Module module) =>
        outputShapes.TryGetValue(module, out var shape)
            ? shape
            : throw new OnnxExportException($"{Describe(module)} did not run in the recorded forward pass");

    /// <summary>Reshape with a target shape; 0 keeps the input's size on that axis (the dynamic batch).</summary>
    public string Reshape(string input, params long[] shape) => Node("Reshape", [input, Int64s("shape", shape)]);

    /// <summary>Adds one module's nodes for <paramref name="input"/> and returns the name of its output.</summary>
    public string Emit(nn.Module module, string input)
    {
        scopes.Push(Paths.GetValueOrDefault(module, module.GetName()));
        try
        {
            return module is IOnnxExportable own ? own.ExportOnnx(this, input) : TorchModules.Emit(this, module, input);
        }
        finally
        {
            scopes.Pop();
        }
    }

    /// <summary>Appends one node (named after the module being emitted) and returns its output's name.</summary>
    public string Node(string op, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string scope = scopes.Count == 0 ? "" : scopes.Peek();
        var node = new NodeProto { OpType = op, Name = Unique($"{scope}/{op}") };
        node.Input.AddRange(inputs);
        string output = Unique($"{scope}/{op}.out");
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return output;
    }

    /// <summary>A float initializer holding a copy of <paramref name="value"/>.</summary>
    /// <param name="source">the module tensor the value was computed from, when it is not that tensor itself</param>
    /// <param name="back">gets <paramref name="source"/>'s value back from the initializer's</param>
    public string Weight(string name, Tensor value, Tensor? source = null, Func<Tensor, Tensor>? back = null)
    {
        using var cpu = value.detach().to(float32).cpu().contiguous();
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(cpu.shape);
        proto.RawData = ByteString.CopyFrom(cpu.bytes);
        Proto.Initializer.Add(proto);
        WeightSources[proto.Name] = (source ?? value, back);
        return proto.Name;
    }

    /// <summary>A float initializer of the given shape from values (constants that are no module's weights).
    /// </summary>
    public string Floats(string name, long[] shape, float[] values)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(shape);
        proto.FloatData.AddRange(values);
        Proto.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>An int64 initializer (shapes, axes, slice bounds).</summary>
    public string Int64s(string name, params long[] values)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        Proto.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A 0-D int64 initializer (an axis given as an input, as CumSum takes it).</summary>
    public string Int64Scalar(string name, long value)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Int64Data.Add(value);
        Proto.Initializer.Add(proto);
        return proto.Name;
    }

    public string Scalar(string name, float value)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        proto.FloatData.Add(value);
        Proto.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Channels [start, start + length) of an (N, C, H, W) value.</summary>
    public string Channels(string input, long start, long length) =>
        Node("Slice", [input, Int64s("start", start), Int64s("end", start + length), Int64s("axis", 1)]);

    public string Concat(params string[] inputs) => Node("Concat", inputs, Attr.Int("axis", 1));

    public string Add(string a, string b) => Node("Add", [a, b]);

    /// <summary>A convolution with explicit weights (bias optional), symmetric padding; a weight computed from a
    /// module's tensor names it and the way back (<see cref="Weight"/>).</summary>
    public string Conv(
        string input,
        Tensor weight,
        Tensor? bias,
        long stride,
        long padding,
        long groups,
        long dilation = 1,
        (Tensor Source, Func<Tensor, Tensor> Back)? computed = null
    )
    {
        var inputs = new List<string> { input, Weight("weight", weight, computed?.Source, computed?.Back) };
        if (bias is not null)
            inputs.Add(Weight("bias", bias));
        long k = weight.shape[2];
        return Node(
            "Conv",
            inputs,
            Attr.Ints("kernel_shape", k, weight.shape[3]),
            Attr.Ints("strides", stride, stride),
            Attr.Ints("pads", padding, padding, padding, padding),
            Attr.Ints("dilations", dilation, dilation),
            Attr.Int("group", groups)
        );
    }

    public string Describe(nn.Module module) => $"{Paths.GetValueOrDefault(module, "?")} ({module.GetType().Name})";

    private string Unique(string name)
    {
        name = name.TrimStart('/');
        int n = used.GetValueOrDefault(name);
        used[name] = n + 1;
        return n == 0 ? name : $"{name}_{n}";
    }
}

/// <summary>ONNX attribute constructors.</summary>
public static class Attr
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new()
        {
            Name = name,
            Type = AttributeProto.Types.AttributeType.String,
            S = Google.Protobuf.ByteString.CopyFromUtf8(value),
        };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}

/// <summary>A model cannot be exported (names the module and why).</summary>
public sealed class OnnxExportException(string message) : LeanNetsException(message);
