using System.Runtime.InteropServices;
using LeanNets.Models;
using LeanNets.Onnx;
using Onnx;
using static TorchSharp.torch;

namespace LeanNets.Interchange;

/// <summary>
/// Weights read from an ONNX file into a registry model by the graph's structure, not its tensor names (CNTK
/// writes "Parameter417", a PyTorch export "onnx::Conv_193"). Both graphs - the file's and the model's own, as
/// LeanNets would export it - are reduced to their weighted layers (Conv, Gemm, a BatchNormalization of its own);
/// a BatchNormalization right after a Conv belongs to that Conv. Each layer's depth is the number of weighted
/// layers on the longest path to it from the input, which padding, pooling, activations and sums do not change;
/// layers are put in order of depth, then kind and shape (so a block's 3x3 convolution and its 1x1 projection,
/// at the same depth, pair whatever order the files list them in), then file order. The two lists are paired in
/// that order until the kinds differ. A Conv whose norm was folded into it (what PyTorch's export and LeanNets'
/// do) loads into a Conv + BatchNorm as the norm's shift, with an identity scale; epsilons that differ are made
/// up for in the variance. The result carries the model's own names, so the state-dict loader checks it
/// (shapes, missing, unexpected; strict or not) and reports as for any file: a file's layer with no partner
/// stays under its ONNX name, as unexpected.
/// </summary>
public static class OnnxWeights
{
    public static bool IsOnnx(string path) =>
        Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file's weights under <paramref name="model"/>'s tensor names. The model's graph is built at
    /// the file's own fixed height and width when it has them, else at the registry input of
    /// <paramref name="modelName"/> (224 px for a name the classifier registry does not hold), with the model's own
    /// input channels.</summary>
    public static StateDict Map(string path, nn.Module<Tensor, Tensor> model, string modelName)
    {
        var registered = ModelRegistry.Contains(modelName)
            ? ModelRegistry.Get(modelName).DefaultInput
            : new InputShape(3, 224, 224);
        var input = registered with { Channels = (int)model.parameters().First(p => p.dim() == 4).shape[1] };
        var file = Read(path).Graph;
        var fileInits = file.Initializer.ToDictionary(t => t.Name);
        if (fileInits.Count == 0)
            throw new LeanNetsException($"{path}: an ONNX graph with no weights (no initializers)");
        long size = FixedSide(file, fileInits) ?? input.Height;
        Measures.MemoryEstimate.RequireFits(model, input with { Height = (int)size, Width = (int)size }, 1, false);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var own = model.state_dict();
            var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
            foreach (var (name, tensor) in own)
                names.TryAdd(tensor, name);
            var graph = OnnxGraph.ForModel(model, input.Channels, size);
            try
            {
                graph.Emit(model, "input");
            }
            catch (OnnxExportException e)
            {
                throw new LeanNetsUsageException($"{path}: the model cannot be matched to an ONNX graph: {e.Message}");
            }
            var reference = graph.Proto.Initializer.ToDictionary(t => t.Name);
            (string, Func<Tensor, Tensor>?)? Source(string initializer) =>
                graph.WeightSources.TryGetValue(initializer, out var origin)
                    && names.TryGetValue(origin.Tensor, out var name)
                    ? (name, origin.Back)
                    : null;
            var mapping = new Mapping(path, own.Keys.ToHashSet(), reference, fileInits, Source);
            var ours = Layers(graph.Proto, reference);
            var theirs = Layers(file, fileInits);
            int i = 0,
                j = 0;
            for (; i < ours.Count && j < theirs.Count; i++)
            {
                if (ours[i].Kind == theirs[j].Kind)
                    mapping.Pair(ours[i], theirs[j++]);
                else if (ours[i].Kind == LayerKind.Norm)
                    mapping.Folded(ours[i]);
                else
                    break;
            }
            // The model's norms after the file's last layer were folded too (a DualConv's final norm).
            for (; i < ours.Count && ours[i].Kind == LayerKind.Norm && j == theirs.Count; i++)
                mapping.Folded(ours[i]);
            foreach (var layer in theirs.Skip(j))
                mapping.Unpaired(layer);
            return new StateDict(mapping.Result.ToDictionary(p => p.Key, p => p.Value.MoveToOuterDisposeScope()),
                ownsTensors: true);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static ModelProto Read(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"{path}: no such file");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new LeanNetsException($"{path}: not an ONNX model (the file does not parse)");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new LeanNetsException($"{path}: not an ONNX model (no graph)");
        return model;
    }

    /// <summary>The file's input height when it is fixed and square (CNTK's 224), else null.</summary>
    private static long? FixedSide(GraphProto graph, Dictionary<string, TensorProto> inits)
    {
        var dims = graph.Input.FirstOrDefault(i => !inits.ContainsKey(i.Name))?.Type?.TensorType?.Shape?.Dim;
        return dims is { Count: 4 } && dims[2].DimValue > 0 && dims[2].DimValue == dims[3].DimValue
            ? dims[2].DimValue
            : null;
    }

    private enum LayerKind
    {
        Conv,
        Norm,
        Gemm,
    }

    /// <summary>One weighted layer: a Conv (with the BatchNormalization that follows it, if any), a norm of its
    /// own, or a Gemm; its depth in weighted layers and its place in the file.</summary>
    private sealed class Layer(NodeProto node, LayerKind kind, int depth, int order, long[] shape)
    {
        public NodeProto Node => node;
        public LayerKind Kind => kind;
        public int Depth => depth;
        public int Order => order;
        public long[] Shape => shape;
        public NodeProto? Norm { get; set; }
    }

    private static List<Layer> Layers(GraphProto graph, Dictionary<string, TensorProto> inits)
    {
        var readers = graph.Node.SelectMany(n => n.Input).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        var depth = new Dictionary<string, int>();
        var convs = new Dictionary<string, Layer>();
        var layers = new List<Layer>();
        foreach (var node in graph.Node)
        {
            int before = node.Input.Where(i => i.Length > 0 && !inits.ContainsKey(i))
                .Select(i => depth.GetValueOrDefault(i)).DefaultIfEmpty(0).Max();
            bool weighted = node.Input.Count > 1 && inits.ContainsKey(node.Input[1]);
            if (node.OpType == "BatchNormalization" && weighted && convs.TryGetValue(node.Input[0], out var conv)
                && readers[node.Input[0]] == 1)
            {
                conv.Norm = node;
                depth[node.Output[0]] = conv.Depth;
                continue;
            }
            LayerKind? kind = !weighted ? null
                : node.OpType switch
                {
                    "Conv" => LayerKind.Conv,
                    "BatchNormalization" => LayerKind.Norm,
                    "Gemm" => LayerKind.Gemm,
                    "MatMul" or "ConvTranspose" => throw new LeanNetsUsageException(
                        $"ONNX {node.OpType} '{node.Name}' holds weights LeanNets does not import (Conv, Gemm and "
                            + "BatchNormalization do)"),
                    _ => null,
                };
            int after = kind is null ? before : before + 1;
            foreach (var output in node.Output)
                depth[output] = after;
            if (kind is not { } k)
                continue;
            var layer = new Layer(node, k, after, layers.Count, [.. inits[node.Input[1]].Dims]);
            layers.Add(layer);
            if (k == LayerKind.Conv)
                convs[node.Output[0]] = layer;
        }
        long Dim(Layer l, int i) => l.Shape.Length > i ? l.Shape[i] : 1;
        return
        [
            .. layers.OrderBy(l => l.Depth).ThenBy(l => l.Kind)
                .ThenByDescending(l => Dim(l, 2) * Dim(l, 3)).ThenByDescending(l => Dim(l, 0))
                .ThenByDescending(l => Dim(l, 1)).ThenBy(l => l.Order),
        ];
    }

    /// <summary>The state dict being built: file tensors under the model's names.</summary>
    private sealed class Mapping(
        string path,
        HashSet<string> own,
        Dictionary<string, TensorProto> ourInits,
        Dictionary<string, TensorProto> fileInits,
        Func<string, (string Name, Func<Tensor, Tensor>? Back)?> source
    )
    {
        // Shifts a folded file put in convolutions whose model counterparts have no bias: they belong to the norm
        // the file folded across the sum of those convolutions (DualConv's), which comes next in the model.
        private readonly List<float[]> pendingShifts = [];

        public Dictionary<string, Tensor> Result { get; } = new(StringComparer.Ordinal);

        public void Pair(Layer ours, Layer theirs)
        {
            var theirWeight = Tensor(theirs.Node.Input[1]);
            switch (ours.Kind)
            {
                case LayerKind.Gemm:
                    // Both as (out, in): ONNX's Gemm may hold the weight either way round (transB).
                    var outIn = TransB(theirs.Node) ? theirWeight : theirWeight.t();
                    Assign(ours.Node.Input[1], ours, TransB(ours.Node) ? outIn : outIn.t());
                    PairBias(ours, theirs);
                    break;
                case LayerKind.Norm:
                    PairNorm(ours.Node, theirs.Node);
                    break;
                default:
                    Assign(ours.Node.Input[1], ours, theirWeight);
                    PairConv(ours, theirs);
                    break;
            }
        }

        /// <summary>A norm of the model's own that the file folded away: an identity carrying the shifts the file
        /// moved into the convolutions before it.</summary>
        public void Folded(Layer norm)
        {
            int channels = (int)ourInits[norm.Node.Input[1]].Dims[0];
            var shift = new float[channels];
            foreach (var pending in pendingShifts.Where(t => t.Length == channels))
                for (int c = 0; c < channels; c++)
                    shift[c] += pending[c];
            pendingShifts.Clear();
            Identity(norm.Node, norm, tensor(shift));
        }

        public void Unpaired(Layer theirs)
        {
            Unpaired(theirs.Node);
            if (theirs.Norm is { } norm)
                Unpaired(norm);
        }

        /// <summary>A file tensor with no partner, kept under its ONNX name: the loader reports it unexpected.
        /// </summary>
        private void Unpaired(NodeProto node)
        {
            foreach (var name in node.Input.Skip(1).Where(fileInits.ContainsKey))
                Result[name] = Tensor(name);
        }

        private void PairConv(Layer ours, Layer theirs)
        {
            var bias = theirs.Node.Input.Count > 2 ? Tensor(theirs.Node.Input[2]) : null;
            bool ourBias = ours.Node.Input.Count > 2;
            switch (ours.Norm, theirs.Norm)
            {
                case (null, null):
                    PairBias(ours, theirs);
                    break;
                case ({ } norm, { } theirNorm):
                    PairBias(ours, theirs);
                    PairNorm(norm, theirNorm);
                    break;
                case ({ } norm, null):
                    // A folded file: the norm passes the convolution through and adds the file's bias.
                    if (ourBias)
                        Assign(ours.Node.Input[2], ours, bias ?? zeros(ours.Shape[0]));
                    Identity(norm, ours, ourBias || bias is null ? zeros(ours.Shape[0]) : bias);
                    break;
                case (null, { } theirNorm):
                    // The file keeps a norm the model folds: left unexpected unless the model's conv has a bias.
                    if (!ourBias)
                    {
                        Unpaired(theirNorm);
                        break;
                    }
                    var (scale, shift) = Affine(theirNorm, bias is null ? null : Floats(theirs.Node.Input[2]));
                    Assign(ours.Node.Input[1], ours, Tensor(theirs.Node.Input[1]) * scale.view(-1, 1, 1, 1));
                    Assign(ours.Node.Input[2], ours, shift);
                    break;
            }
        }

        private void PairBias(Layer ours, Layer theirs)
        {
            var bias = theirs.Node.Input.Count > 2 ? Tensor(theirs.Node.Input[2]) : null;
            if (ours.Node.Input.Count > 2)
                Assign(ours.Node.Input[2], ours, bias ?? zeros(ours.Shape[0]));
            else if (bias is not null)
                pendingShifts.Add(Floats(theirs.Node.Input[2]));
        }

        private void PairNorm(NodeProto ours, NodeProto theirs)
        {
            var layer = new Layer(ours, LayerKind.Norm, 0, 0, []);
            for (int i = 1; i <= 3; i++)
                Assign(ours.Input[i], layer, Tensor(theirs.Input[i]));
            // The model's epsilon is fixed: a different one in the file is made up for in the variance.
            float difference = Epsilon(theirs) - Epsilon(ours);
            Assign(ours.Input[4], layer, tensor(Floats(theirs.Input[4]).Select(v => v + difference).ToArray()));
            Counter(ours, layer);
        }

        /// <summary>The norm as an identity (scale 1, mean 0, variance 1 - eps) followed by
        /// <paramref name="shift"/>.</summary>
        private void Identity(NodeProto norm, Layer layer, Tensor shift)
        {
            long channels = shift.shape[0];
            Assign(norm.Input[1], layer, ones(channels));
            Assign(norm.Input[2], layer, shift);
            Assign(norm.Input[3], layer, zeros(channels));
            Assign(norm.Input[4], layer, tensor(Enumerable.Repeat(1 - Epsilon(norm), (int)channels).ToArray()));
            Counter(norm, layer);
        }

        /// <summary>A PyTorch-style norm's batch counter, which ONNX does not keep: zero.</summary>
        private void Counter(NodeProto norm, Layer layer)
        {
            string mean = Require(norm.Input[3], layer).Name;
            string counter = mean[..mean.LastIndexOf('.')] + ".num_batches_tracked";
            if (own.Contains(counter))
                Result[counter] = tensor(0L);
        }

        /// <summary>The norm as a per-channel scale and shift of the convolution's output (and its bias).</summary>
        private (Tensor Scale, Tensor Shift) Affine(NodeProto norm, float[]? bias)
        {
            float[] gamma = Floats(norm.Input[1]), beta = Floats(norm.Input[2]), mean = Floats(norm.Input[3]),
                variance = Floats(norm.Input[4]);
            float eps = Epsilon(norm);
            var scale = gamma.Select((g, c) => g / MathF.Sqrt(variance[c] + eps)).ToArray();
            var shift = beta.Select((b, c) => b + ((bias?[c] ?? 0) - mean[c]) * scale[c]).ToArray();
            return (tensor(scale), tensor(shift));
        }

        /// <summary>Puts a file tensor under the model's name for one of the model's initializers, through the
        /// inverse of what export did to it (e.g. the one kernel a shared depthwise convolution repeats).</summary>
        private void Assign(string initializer, Layer layer, Tensor value)
        {
            var (name, back) = Require(initializer, layer);
            Result[name] = back is null ? value : back(value);
        }

        private (string Name, Func<Tensor, Tensor>? Back) Require(string initializer, Layer layer) =>
            source(initializer)
            ?? throw new LeanNetsUsageException(
                $"{path}: the model's {layer.Node.OpType} '{layer.Node.Name}' computes its weights (e.g. HetConv), "
                    + "so they cannot be read from an ONNX file");

        private float[] Floats(string name)
        {
            using var t = Tensor(name);
            return t.data<float>().ToArray();
        }

        private Tensor Tensor(string name)
        {
            var t = fileInits[name];
            if (t.DataLocation == TensorProto.Types.DataLocation.External)
                throw new LeanNetsException(
                    $"{path}: '{name}' is stored in an external file, which LeanNets does not read");
            long[] shape = [.. t.Dims];
            return (TensorProto.Types.DataType)t.DataType switch
            {
                TensorProto.Types.DataType.Float => tensor(OnnxTensors.Floats(t), shape),
                TensorProto.Types.DataType.Double => tensor(t.RawData.Length > 0
                    ? MemoryMarshal.Cast<byte, double>(t.RawData.Span).ToArray()
                    : t.DoubleData.ToArray(), shape).to(float32),
                var other => throw new LeanNetsException(
                    $"{path}: '{name}' holds {other} values; LeanNets reads float and double weights"),
            };
        }

        private static bool TransB(NodeProto gemm) => gemm.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1;

        private static float Epsilon(NodeProto norm) =>
            norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
    }
}
