using LeanNets.Layers;
using LeanNets.Models.DualConvPaper;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Detection;

/// <summary>
/// Darknet-53 (Redmon and Farhadi, YOLOv3): a 3x3 stem to 32 channels, then five stages, each a stride-2 3x3
/// conv followed by residual blocks (1x1 to half the width, 3x3 back). Every conv is conv, BN, LeakyReLU(0.1).
/// The 3x3 stride-1 convs are a <see cref="ConvKind"/> (DualConv in the DualConv paper's Table VII); the stem
/// and the stride-2 convs stay standard. It is a registry classifier (`darknet53`) and YOLO-V3's backbone.
/// </summary>
public static class Darknet
{
    /// <summary>One stage: output channels and residual blocks.</summary>
    public sealed record Stage(int Channels, int Blocks);

    public static readonly IReadOnlyList<Stage> Stages53 =
    [
        new(64, 1),
        new(128, 2),
        new(256, 8),
        new(512, 8),
        new(1024, 4),
    ];

    public const int StemChannels = 32;

    /// <summary>A width multiplier's channel count (at least 8), for the small CPU configurations.</summary>
    public static long Scaled(long channels, double width) => Math.Max(8, (long)Math.Round(channels * width));

    /// <summary>Darknet's conv: kxk (a <paramref name="kind"/> for 3x3 stride 1), BN, LeakyReLU(0.1).</summary>
    public static ConvNormAct Conv(long inChannels, long outChannels, long kernel, long stride, ConvKind kind) =>
        kernel == 3 && stride == 1
            ? new ConvNormAct(kind.Create3x3(inChannels, outChannels, 1), outChannels, ActivationKind.LeakyReLU)
            : new ConvNormAct(inChannels, outChannels, kernel, stride, activation: ActivationKind.LeakyReLU);

    /// <summary>The stem and the five stages (strides 2, 4, 8, 16, 32 from the input).</summary>
    public static (StagePart Stem, IReadOnlyList<StagePart> Stages) Backbone(
        long inChannels,
        double width,
        ConvKind kind
    )
    {
        long channels = Scaled(StemChannels, width);
        var stem = new StagePart(Conv(inChannels, channels, 3, 1, ConvKind.Standard), channels, 1);
        var stages = new List<StagePart>();
        foreach (var row in Stages53)
        {
            long outChannels = Scaled(row.Channels, width);
            var blocks = Enumerable
                .Range(0, row.Blocks)
                .Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)new DarknetResidual(outChannels, kind)));
            var stage = nn.Sequential(
                ("downsample", Conv(channels, outChannels, 3, 2, kind)),
                ("blocks", nn.Sequential(blocks.ToArray()))
            );
            stages.Add(new StagePart(stage, outChannels, 2));
            channels = outChannels;
        }
        return (stem, stages);
    }

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return new ModelSpec(
            "darknet53",
            ModelFamily.Darknet,
            Paper.DualConv,
            new InputShape(3, 256, 256),
            1000,
            o => Network("darknet53", o, 1.0, ConvKind.Standard)
        );
    }

    /// <summary>Darknet-53 as a classifier (global pooling and a linear layer after the stages); a detector takes
    /// its stem and stages.</summary>
    public static Classifier Network(string name, ModelOptions options, double width, ConvKind kind)
    {
        var (stem, stages) = Backbone(options.InChannels, width, kind);
        return new Classifier(name, stem, stages, new ClassifierHead(stages[^1].Channels, options.NumClasses));
    }
}

/// <summary>Darknet's residual block: 1x1 to half the channels, 3x3 back, added to the input.</summary>
public sealed class DarknetResidual : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ConvNormAct reduce;
    private readonly ConvNormAct expand;

    public DarknetResidual(long channels, ConvKind kind)
        : base(nameof(DarknetResidual))
    {
        reduce = Darknet.Conv(channels, channels / 2, 1, 1, kind);
        expand = Darknet.Conv(channels / 2, channels, 3, 1, kind);
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Add(graph.Emit(expand, graph.Emit(reduce, input)), input);

    public override Tensor forward(Tensor input)
    {
        using var y = reduce.call(input);
        using var z = expand.call(y);
        return z.Plus(input);
    }
}
