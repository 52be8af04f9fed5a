using Onnx;

namespace LeanNets.Onnx;

/// <summary>Who writes and who reads each value of an ONNX graph, built once for a rewrite or a plan that asks
/// many times (batch-norm folding, the post-activation rewrite, Q/DQ placement). It describes the graph as it was
/// when built.</summary>
public sealed class GraphIndex(GraphProto graph)
{
    private readonly Dictionary<string, NodeProto> producers = graph
        .Node.SelectMany(n => n.Output.Select(o => (o, n)))
        .ToDictionary(p => p.o, p => p.n);

    private readonly ILookup<string, NodeProto> consumers = graph
        .Node.SelectMany(n => n.Input.Select(i => (i, n)))
        .ToLookup(p => p.i, p => p.n);

    /// <summary>The node that writes <paramref name="value"/>, or null for a graph input or an initializer.
    /// </summary>
    public NodeProto? Producer(string value) => producers.GetValueOrDefault(value);

    /// <summary>The nodes that read <paramref name="value"/>, once per input that names it.</summary>
    public IEnumerable<NodeProto> Consumers(string value) => consumers[value];

    /// <summary>True when exactly one node input reads <paramref name="value"/>: a rewrite may then change the
    /// value without anyone else seeing it.</summary>
    public bool ReadOnce(string value) => consumers[value].Count() == 1;
}
