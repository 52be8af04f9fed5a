using LeanNets.Layers;
using LeanNets.Models.DualConvPaper;
using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Detection;

/// <summary>
/// YOLO-V3 (yolov3.cfg): a backbone, then one head per scale (strides 32, 16, 8). A head is five convs
/// alternating 1x1 (to c, half the backbone map's channels) and 3x3 (to 2c), a 3x3 to 2c and a 1x1 output conv
/// with bias to anchors x (5 + classes). Between scales a 1x1 route conv halves the branch, is upsampled x2
/// (nearest) and concatenated with the backbone's map of that stride.
/// </summary>
/// <remarks>
/// The backbone is any classifier, taken through the model contract: its <see cref="Classifier.FeatureInfo"/>
/// picks the last stage of each stride and <see cref="Classifier.ForwardIntermediates"/> gives their maps
/// (torchvision's detection models take a backbone the same way). The paper's network is Darknet-53's
/// (<see cref="Darknet.Network"/>); the backbone's stem and stages keep their names (<c>stem.*</c>,
/// <c>stages.{i}.*</c>), its classifier head is dropped.
/// <para>The output is one tensor [N, predictions, 5 + classes] with the raw values (tx, ty, tw, th, objectness,
/// class logits): scales in the order 32, 16, 8, and within a scale anchor-major, then row, then column, so
/// <see cref="YoloDecoder"/> and the loss find every prediction's cell and anchor from its index.</para>
/// </remarks>
public sealed class YoloV3 : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> stages;
    private readonly TorchSharp.Modules.ModuleList<YoloHead> heads;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> routes;

    // The backbone's own intermediates (a delegate, so the classifier is not registered a second time under its
    // name) and the stages they are read from, in stage order: strides 8, 16, 32.
    private readonly Func<Tensor, IEnumerable<int>?, IReadOnlyList<Tensor>> intermediates;
    private readonly int[] featureStages;

    public YoloV3(string name, Classifier backbone, int numClasses, ConvKind kind, IReadOnlyList<Anchor>? anchors)
        : base(name)
    {
        Anchors = anchors ?? YoloLayout.DefaultAnchors;
        if (Anchors.Count % YoloLayout.Strides.Count != 0)
            throw new ArgumentException(
                $"{Anchors.Count} anchors cannot be split over {YoloLayout.Strides.Count} scales");
        NumClasses = numClasses;
        featureStages = FeatureStages(backbone);
        var info = backbone.FeatureInfo;
        stem = backbone.Stem;
        // Stages past the stride-32 map would never run: they are not part of the detector.
        stages = nn.ModuleList(backbone.Stages.Take(featureStages[^1] + 1).ToArray());
        foreach (var unused in backbone.Stages.Skip(featureStages[^1] + 1))
            unused.Dispose();
        backbone.Head.Dispose();
        intermediates = backbone.ForwardIntermediates;
        long outputs = AnchorsPerScale * (5 + numClasses);
        var headList = new List<YoloHead>();
        var routeList = new List<nn.Module<Tensor, Tensor>>();
        long incoming = info[featureStages[^1]].Channels;
        for (int s = 0; s < YoloLayout.Strides.Count; s++)
        {
            long branch = info[featureStages[^(s + 1)]].Channels / 2;
            headList.Add(new YoloHead(incoming, branch, outputs, kind));
            if (s + 1 < YoloLayout.Strides.Count)
            {
                routeList.Add(Darknet.Conv(branch, branch / 2, 1, 1, kind));
                incoming = branch / 2 + info[featureStages[^(s + 2)]].Channels;
            }
        }
        heads = nn.ModuleList(headList.ToArray());
        routes = nn.ModuleList(routeList.ToArray());
        RegisterComponents();
        // The heads' widths follow the backbone's (184 channels on VGNetG-1.0MP): see DenseConvGuard.
        DenseConvGuard.Protect(this);
    }

    /// <summary>The backbone stages whose maps the heads read: the last of each stride 8, 16 and 32, in stage
    /// order. A backbone without all three (a CIFAR network, say) cannot carry the heads, and says so.</summary>
    public static int[] FeatureStages(Classifier backbone)
    {
        var info = backbone.FeatureInfo;
        var picked = YoloLayout.Strides.Reverse()
            .Select(stride => info.ToList().FindLastIndex(f => f.Reduction == stride))
            .ToArray();
        if (picked.Any(i => i < 0))
            throw new LeanNetsUsageException(
                $"{backbone.GetName()} cannot carry YOLO-V3's heads: they read stages at strides 8, 16 and 32, "
                    + $"and its stages reduce by {string.Join(", ", info.Select(f => f.Reduction))}"
            );
        return picked;
    }

    public int NumClasses { get; }

    /// <summary>
    /// Detection priors for the three output convolutions, as YOLOv5 and RetinaNet start: weights drawn with
    /// standard deviation 0.01, an objectness bias for about 8 objects in a 640-pixel picture (the chance of one
    /// per cell of each stride, as log-odds) and class biases for a probability of 0.6 shared by the classes. With
    /// the generic initialisation every cell's objectness started near a half, so the first loss was in the
    /// thousands per image (raccoon, 256 px: about 3,000, nearly all objectness from empty cells).
    /// </summary>
    public YoloV3 InitializePriors()
    {
        using var noGrad = no_grad();
        for (int s = 0; s < heads.Count; s++)
        {
            var conv = (TorchSharp.Modules.Conv2d)heads[s].Output;
            conv.weight!.normal_(0, 0.01);
            using var bias = conv.bias!.view(AnchorsPerScale, 5 + NumClasses);
            double chance = 8 / Math.Pow(640.0 / YoloLayout.Strides[s], 2);
            using var objectness = Math.Log(chance / (1 - chance)).ToScalar();
            using var classes = Math.Log(0.6 / (NumClasses - 0.99)).ToScalar();
            using (var column = bias.narrow(1, 4, 1))
                column.fill_(objectness);
            using (var columns = bias.narrow(1, 5, NumClasses))
                columns.fill_(classes);
        }
        return this;
    }

    public IReadOnlyList<Anchor> Anchors { get; }

    /// <summary>The card of these weights trained (or run) at <paramref name="inputSize"/>: inputs are letterboxed
    /// to the square input and normalised by <paramref name="normalisation"/> (null: RGB / 255, mean 0, std 1).
    /// </summary>
    public ModelCard Card(string registryName, int inputSize, IReadOnlyList<string> classNames,
        DetectorInput? normalisation = null) =>
        CardFor(registryName, inputSize, classNames, Anchors, normalisation);

    /// <inheritdoc cref="Card"/>
    public static ModelCard CardFor(string registryName, int inputSize, IReadOnlyList<string> classNames,
        IReadOnlyList<Anchor>? anchors = null, DetectorInput? normalisation = null) =>
        new(registryName, ModelCard.Detect, new InputShape(3, inputSize, inputSize),
            (normalisation ?? DetectorInput.Unit).Mean, (normalisation ?? DetectorInput.Unit).Std, classNames)
        {
            Anchors = (anchors ?? YoloLayout.DefaultAnchors).Select(a => new[] { a.Width, a.Height }).ToList(),
            Strides = YoloLayout.Strides,
        };

    public int AnchorsPerScale => Anchors.Count / YoloLayout.Strides.Count;

    /// <summary>The tensors whose shape follows the class count (each scale's output conv): what fine-tuning for
    /// other classes initialises afresh.</summary>
    public static bool IsClassDependent(string name) =>
        name.StartsWith("heads.", StringComparison.Ordinal) && name.Contains(".output.", StringComparison.Ordinal);

    /// <summary>The backbone's tensors (the classifier's stem and stages, under their names): what a classifier's
    /// weights can start.</summary>
    public static bool IsBackbone(string name) =>
        name.StartsWith("stem.", StringComparison.Ordinal) || name.StartsWith("stages.", StringComparison.Ordinal);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var maps = intermediates(input, featureStages);
        var outputs = new List<Tensor>();
        var incoming = maps[^1];
        for (int s = 0; s < heads.Count; s++)
        {
            var (branch, prediction) = heads[s].call(incoming);
            outputs.Add(Flatten(prediction));
            if (s < routes.Count)
            {
                var routed = nn.functional.interpolate(
                    routes[s].call(branch),
                    scale_factor: [2, 2],
                    mode: InterpolationMode.Nearest
                );
                incoming = cat([routed, maps[^(s + 2)]], 1);
            }
        }
        return cat(outputs, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The body's nodes, mirroring <see cref="forward"/>: the raw predictions [N, P, 5 + classes] that
    /// <see cref="YoloDecoder"/> decodes (decoding and NMS stay outside the graph, as in most YOLO exports).
    /// </summary>
    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var maps = new List<string>();
        var x = graph.Emit(stem, input);
        for (int i = 0; i < stages.Count; i++)
        {
            x = graph.Emit(stages[i], x);
            if (featureStages.Contains(i))
                maps.Add(x);
        }
        var outputs = new List<string>();
        var incoming = maps[^1];
        for (int s = 0; s < heads.Count; s++)
        {
            var (branch, prediction) = heads[s].ExportOnnx(graph, incoming);
            var shape = graph.OutputShape(heads[s].Output);
            long h = shape[2], w = shape[3];
            var grouped = graph.Reshape(prediction, 0, AnchorsPerScale, 5 + NumClasses, h, w);
            var cellMajor = graph.Node("Transpose", [grouped], Attr.Ints("perm", 0, 1, 3, 4, 2));
            outputs.Add(graph.Reshape(cellMajor, 0, AnchorsPerScale * h * w, 5 + NumClasses));
            if (s < routes.Count)
            {
                // Nearest x2 as PyTorch does it: output pixel i reads input pixel floor(i / 2).
                using var factors = tensor(new float[] { 1, 1, 2, 2 });
                var routed = graph.Node(
                    "Resize",
                    [graph.Emit(routes[s], branch), "", graph.Weight("upsample_scales", factors)],
                    Attr.String("mode", "nearest"),
                    Attr.String("coordinate_transformation_mode", "asymmetric"),
                    Attr.String("nearest_mode", "floor")
                );
                incoming = graph.Concat(routed, maps[^(s + 2)]);
            }
        }
        return graph.Concat(outputs.ToArray());
    }

    /// <summary>[N, A(5+C), H, W] to [N, A*H*W, 5+C], anchor-major.</summary>
    private Tensor Flatten(Tensor prediction)
    {
        long n = prediction.shape[0],
            h = prediction.shape[2],
            w = prediction.shape[3];
        return prediction
            .view(n, AnchorsPerScale, 5 + NumClasses, h, w)
            .permute(0, 1, 3, 4, 2)
            .reshape(n, AnchorsPerScale * h * w, 5 + NumClasses);
    }
}

/// <summary>One scale's head: five convs (1x1 to c, 3x3 to 2c, ...), the branch the next scale routes from,
/// then a 3x3 to 2c and the output 1x1 conv (with bias).</summary>
public sealed class YoloHead : nn.Module<Tensor, (Tensor Branch, Tensor Prediction)>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly nn.Module<Tensor, Tensor> expand;
    private readonly nn.Module<Tensor, Tensor> output;

    public YoloHead(long inChannels, long channels, long outputs, ConvKind kind)
        : base(nameof(YoloHead))
    {
        body = nn.Sequential(
            ("0", Darknet.Conv(inChannels, channels, 1, 1, kind)),
            ("1", Darknet.Conv(channels, 2 * channels, 3, 1, kind)),
            ("2", Darknet.Conv(2 * channels, channels, 1, 1, kind)),
            ("3", Darknet.Conv(channels, 2 * channels, 3, 1, kind)),
            ("4", Darknet.Conv(2 * channels, channels, 1, 1, kind))
        );
        expand = Darknet.Conv(channels, 2 * channels, 3, 1, kind);
        output = nn.Conv2d(2 * channels, outputs, 1, bias: true);
        RegisterComponents();
    }

    /// <summary>The output conv (its recorded output shape gives the scale's grid when exporting).</summary>
    internal nn.Module<Tensor, Tensor> Output => output;

    public (string Branch, string Prediction) ExportOnnx(OnnxGraph graph, string input)
    {
        var branch = graph.Emit(body, input);
        return (branch, graph.Emit(output, graph.Emit(expand, branch)));
    }

    public override (Tensor Branch, Tensor Prediction) forward(Tensor input)
    {
        var branch = body.call(input);
        using var expanded = expand.call(branch);
        return (branch, output.call(expanded));
    }
}
