using LeanNets.Onnx;
using Onnx;

namespace LeanNets.Quantization;

/// <summary>
/// Where the quantize/dequantize pairs go in a float graph (batch norms folded), chosen so that ONNX Runtime fuses
/// them into integer kernels: every convolution, residual addition, concatenation, average pool and leaky ReLU
/// takes quantized inputs and gives a quantized output; a ReLU or ReLU6 right after a convolution or addition is
/// absorbed into that output's range (its lower end 0, so the integer type clips as the activation does); data
/// movement (slices, reshapes, transposes, max pooling, resizing) passes the quantized values through with the
/// same scale, so ONNX Runtime runs it on integers too. What produces the model's output (a classifier's head, a
/// detector's prediction convolutions and their reshaping) stays float for precision, as do layers the user
/// names.
/// </summary>
public sealed class QdqPlan
{
    private static readonly HashSet<string> IntegerOps =
        ["Conv", "Add", "Concat", "GlobalAveragePool", "AveragePool", "LeakyRelu"];

    private static readonly HashSet<string> MovementOps =
        ["MaxPool", "Reshape", "Transpose", "Slice", "Flatten", "Resize", "Expand"];

    private static readonly HashSet<string> OutputPathOps = [.. MovementOps, "Concat", "Gemm"];

    private QdqPlan() { }

    /// <summary>Nodes run on integers (their activations quantized, a convolution's weights too).</summary>
    public HashSet<NodeProto> Integer { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Nodes kept in float32 as asked: they read float values, never dequantized ones (ONNX Runtime would
    /// otherwise quantize a convolution between a dequantize and a quantize node by itself).</summary>
    public HashSet<NodeProto> Float { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>ReLU and ReLU6 nodes absorbed into the range of their producer's output.</summary>
    public HashSet<NodeProto> Absorbed { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Values that get a quantize/dequantize pair (names in the float graph).</summary>
    public List<string> Tensors { get; } = [];

    /// <summary>A movement node's output mapped to the input whose scale it keeps.</summary>
    public Dictionary<string, string> SameScale { get; } = [];

    /// <summary>Values whose range starts at 0 (an absorbed ReLU's output).</summary>
    public HashSet<string> NonNegative { get; } = [];

    /// <summary>Convolutions and fully connected layers left in float32, each with the reason.</summary>
    public List<(string Layer, string Reason)> KeptFloat { get; } = [];

    /// <summary>The layer (module path) a node was emitted for: its name up to the op.</summary>
    public static string LayerOf(NodeProto node) =>
        node.Name.LastIndexOf('/') is int slash and > 0 ? node.Name[..slash] : node.Name;

    /// <summary>True when a node belongs to <paramref name="layer"/> or to a module inside it.</summary>
    public static bool InLayer(NodeProto node, string layer)
    {
        string own = LayerOf(node);
        return own == layer || own.StartsWith(layer + ".", StringComparison.Ordinal);
    }

    /// <param name="keepFloat">layers kept in float32 with every module inside them (--keep-fp32).</param>
    /// <param name="keepNodes">single nodes kept in float32, by name (the automatic rule's choice).</param>
    public static QdqPlan For(GraphProto graph, IReadOnlyList<string> keepFloat,
        IReadOnlyCollection<string>? keepNodes = null)
    {
        var plan = new QdqPlan();
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet();
        var index = new GraphIndex(graph);
        var outputPath = OutputPath(graph, index);
        bool Kept(NodeProto n) => keepFloat.Any(k => InLayer(n, k)) || keepNodes?.Contains(n.Name) == true;
        bool Activation(string name) => name.Length > 0 && !initializers.Contains(name);

        foreach (var node in graph.Node)
        {
            bool weighted = node.OpType is "Conv" or "Gemm";
            if (outputPath.Contains(node))
            {
                if (weighted)
                    plan.KeptFloat.Add((LayerOf(node), node.OpType == "Gemm"
                        ? "the classifier's output layer (under 1% of the work; float keeps the logits exact)"
                        : "computes the model's raw output (float keeps the box and score precision)"));
                continue;
            }
            if (Kept(node))
            {
                plan.Float.Add(node);
                if (weighted)
                    plan.KeptFloat.Add((LayerOf(node), "kept in float32 as asked (--keep-fp32)"));
                continue;
            }
            if (node.OpType == "Gemm")
                plan.KeptFloat.Add((LayerOf(node), "a fully connected layer inside the model (not quantized)"));
            else if (IntegerOps.Contains(node.OpType)
                && (node.OpType != "Conv" || initializers.Contains(node.Input[1])))
                plan.Integer.Add(node);
        }

        // A ReLU (or a Clip from 0) whose input only it reads, produced by an integer convolution or addition.
        foreach (var node in graph.Node.Where(n => n.OpType is "Relu" or "Clip" && !Kept(n) && !outputPath.Contains(n)))
        {
            if (node.OpType == "Clip" && !ClipsAtZero(graph, node))
                continue;
            var source = index.Producer(node.Input[0]);
            // A node kept in float reads the float value, so a ReLU it reads stays a ReLU.
            if (source != null && plan.Integer.Contains(source) && source.OpType is "Conv" or "Add"
                && index.ReadOnce(node.Input[0]) && !index.Consumers(node.Output[0]).Any(plan.Float.Contains))
            {
                plan.Absorbed.Add(node);
                plan.NonNegative.Add(node.Output[0]);
            }
        }

        var chosen = new HashSet<string>();
        void Add(string name)
        {
            if (Activation(name) && chosen.Add(name))
                plan.Tensors.Add(name);
        }
        foreach (var node in graph.Node.Where(plan.Integer.Contains))
        {
            foreach (var input in node.Input.Take(node.OpType == "Conv" ? 1 : node.Input.Count))
                Add(input);
            string output = node.Output[0];
            var only = index.Consumers(output).ToList();
            Add(only is [var relu] && plan.Absorbed.Contains(relu) ? relu.Output[0] : output);
        }
        // Movement after a quantized value keeps its scale, through chains (reshape, transpose, reshape).
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var node in graph.Node.Where(n => MovementOps.Contains(n.OpType) && !outputPath.Contains(n)))
            {
                if (chosen.Contains(node.Input[0]) && !chosen.Contains(node.Output[0]) && !Kept(node))
                {
                    Add(node.Output[0]);
                    plan.SameScale[node.Output[0]] = node.Input[0];
                    grew = true;
                }
            }
        }
        return plan;
    }

    /// <summary>Nodes on the way to a graph output through movement, concatenation and fully connected nodes,
    /// up to and including the first convolution on each path.</summary>
    private static HashSet<NodeProto> OutputPath(GraphProto graph, GraphIndex index)
    {
        var path = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(graph.Output.Select(o => o.Name));
        while (pending.Count > 0)
        {
            if (index.Producer(pending.Pop()) is not { } node || !path.Add(node))
                continue;
            if (node.OpType == "Conv")
                continue;
            if (!OutputPathOps.Contains(node.OpType))
            {
                path.Remove(node);
                continue;
            }
            foreach (var input in node.Input)
                pending.Push(input);
        }
        return path;
    }

    private static bool ClipsAtZero(GraphProto graph, NodeProto clip)
    {
        if (clip.Input.Count < 2)
            return false;
        var min = graph.Initializer.FirstOrDefault(t => t.Name == clip.Input[1]);
        return min != null && OnnxTensors.Floats(min) is [0f];
    }
}
