using LeanNets.Layers;
using LeanNets.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// The contract every LeanNets model keeps, whatever its family: a <c>stem</c>, ordered <c>stages</c>
/// (state-dict names <c>stem.*</c>, <c>stages.{i}.*</c>, <c>head.*</c>) and a classifier head.
/// Tools that look inside models (Grad-CAM, feature maps, detection necks) use <see cref="FeatureInfo"/>
/// and <see cref="ForwardIntermediates"/> without knowing the family.
/// </summary>
public sealed class Classifier : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> stages;
    private readonly ClassifierHead head;

    public Classifier(string name, StagePart stem, IReadOnlyList<StagePart> stages, ClassifierHead head)
        : base(name)
    {
        if (stages.Count == 0)
            throw new ArgumentException("a model needs at least one stage", nameof(stages));
        if (stages[^1].Channels != head.InChannels)
        {
            throw new ArgumentException(
                $"the last stage gives {stages[^1].Channels} channels but the head takes {head.InChannels}",
                nameof(head)
            );
        }
        this.stem = stem.Module;
        this.stages = nn.ModuleList(stages.Select(s => s.Module).ToArray());
        this.head = head;
        var info = new List<FeatureInfo>();
        int reduction = stem.Stride;
        for (int i = 0; i < stages.Count; i++)
        {
            reduction *= stages[i].Stride;
            info.Add(new FeatureInfo($"stages.{i}", stages[i].Channels, reduction));
        }
        FeatureInfo = info;
        StemInfo = new FeatureInfo("stem", stem.Channels, stem.Stride);
        RegisterComponents();
        DenseConvGuard.Protect(this);
    }

    public nn.Module<Tensor, Tensor> Stem => stem;

    public IReadOnlyList<nn.Module<Tensor, Tensor>> Stages => stages.ToList();

    public ClassifierHead Head => head;

    /// <summary>Per stage, in order: module path, output channels, reduction from the input.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo { get; }

    public FeatureInfo StemInfo { get; }

    /// <summary>Channels of the feature map the head pools (the last stage's output).</summary>
    public long NumFeatures => FeatureInfo[^1].Channels;

    public long NumClasses => head.NumClasses;

    /// <summary>The tensors whose shape follows the class count (the final linear layer): what fine-tuning for
    /// other classes initialises afresh.</summary>
    public static bool IsClassDependent(string name) => name.StartsWith("head.fc.", StringComparison.Ordinal);

    /// <summary>The tensors of the classifier head (what a detector on this model's stem and stages leaves out).
    /// </summary>
    public static bool IsHead(string name) => name.StartsWith("head.", StringComparison.Ordinal);

    /// <summary>Input channels: those of the stem's first convolution (every stem starts with one).</summary>
    public long InChannels => stem.parameters().First(p => p.dim() == 4).shape[1];

    /// <summary>The last stage's output, (N, NumFeatures, H / reduction, W / reduction).</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = stem.call(input);
        foreach (var stage in stages)
            x = stage.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Class scores from a feature map; with <paramref name="preLogits"/>, the vector the last linear layer
    /// takes.</summary>
    public Tensor ForwardHead(Tensor features, bool preLogits = false) => head.Forward(features, preLogits);

    /// <summary>
    /// The outputs of the stages named by index (negative counts from the end, as in Python; default: all),
    /// in stage order. Stages after the last one asked for are not run.
    /// </summary>
    public IReadOnlyList<Tensor> ForwardIntermediates(Tensor input, IEnumerable<int>? indices = null)
    {
        var wanted = ResolveStages(indices);
        int last = wanted.Max();
        var outputs = new List<Tensor>();
        using var scope = NewDisposeScope();
        var x = stem.call(input);
        for (int i = 0; i <= last; i++)
        {
            x = stages[i].call(x);
            if (wanted.Contains(i))
                outputs.Add(x);
        }
        foreach (var output in outputs)
            output.MoveToOuterDisposeScope();
        return outputs;
    }

    /// <summary>
    /// Class scores from the output of stage <paramref name="stage"/>: the later stages, then the head. With
    /// <see cref="ForwardIntermediates"/> it splits the network at any stage (Grad-CAM differentiates there).
    /// </summary>
    public Tensor ForwardFromStage(Tensor stageOutput, int stage)
    {
        int from = ResolveStages([stage]).Single();
        using var scope = NewDisposeScope();
        var x = stageOutput;
        for (int i = from + 1; i < stages.Count; i++) x = stages[i].call(x);
        return head.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>Stage indices checked against the model (negative from the end); an error names the valid
    /// range.</summary>
    public SortedSet<int> ResolveStages(IEnumerable<int>? indices)
    {
        int count = stages.Count;
        var result = new SortedSet<int>();
        foreach (int index in indices ?? Enumerable.Range(0, count))
        {
            int resolved = index < 0 ? count + index : index;
            if (resolved < 0 || resolved >= count)
                throw new LeanNetsUsageException(
                    $"stage {index} does not exist: {GetName()} has stages 0..{count - 1}"
                );
            result.Add(resolved);
        }
        if (result.Count == 0)
            throw new LeanNetsUsageException("no stage asked for");
        return result;
    }

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Emit(head, stages.Aggregate(graph.Emit(stem, input), (x, stage) => graph.Emit(stage, x)));

    public override Tensor forward(Tensor input)
    {
        using var features = ForwardFeatures(input);
        return head.call(features);
    }
}
