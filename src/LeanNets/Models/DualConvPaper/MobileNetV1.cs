using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>
/// MobileNetV1 (Howard et al. 2017): a 3x3 stem and 13 depthwise-separable blocks, grouped into stages at each
/// stride-2 block. In the DualConv paper each whole block becomes one <see cref="ConvKind"/> conv + BN + ReLU.
/// </summary>
public static class MobileNetV1
{
    /// <summary>Block output widths and strides.</summary>
    public static readonly IReadOnlyList<(int Channels, int Stride)> Blocks =
    [
        (64, 1),
        (128, 2),
        (128, 1),
        (256, 2),
        (256, 1),
        (512, 2),
        (512, 1),
        (512, 1),
        (512, 1),
        (512, 1),
        (512, 1),
        (1024, 2),
        (1024, 1),
    ];


    public static IEnumerable<ModelSpec> Specs()
    {
        var imagenet = new MobileNetConfig { Prefix = "mobilenetv1_100" };
        foreach (
            var kind in ConvKind
                .PaperDualConvs.Prepend(ConvKind.Standard)
                .Append(ConvKind.Group(2))
                .Append(ConvKind.Het(4))
        )
            yield return Spec(imagenet with { Kind = kind });
        var cifar = new MobileNetConfig { Prefix = "mobilenetv1_cifar", Cifar = true };
        foreach (
            var kind in ConvKind
                .PaperDualConvs.Prepend(ConvKind.Standard)
                .Append(ConvKind.Group(4))
                .Append(ConvKind.Het(4))
                .Append(ConvKind.Het(32))
        )
            yield return Spec(cifar with { Kind = kind });
    }

    private static ModelSpec Spec(MobileNetConfig c) =>
        new(
            c.Name,
            ModelFamily.MobileNetV1,
            c.Kind == ConvKind.Standard && !c.Cifar ? Paper.Peer : Paper.DualConv,
            c.Cifar ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224),
            c.Cifar ? 10 : 1000,
            o => Build(c, o)
        );

    public static Classifier Build(MobileNetConfig config, ModelOptions options)
    {
        long Width(int c) => Math.Max(8, (long)(c * config.WidthMultiplier));
        long channels = Width(32);
        int stemStride = config.Cifar ? 1 : 2;
        var stem = new StagePart(new ConvNormAct(options.InChannels, channels, 3, stemStride), channels, stemStride);
        var stages = new List<StagePart>();
        foreach (var rows in StageRows.SplitAtStrides(Blocks, b => b.Stride))
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            foreach (var (width, stride) in rows)
            {
                long outChannels = Width(width);
                nn.Module<Tensor, Tensor> block =
                    config.Kind == ConvKind.Standard
                        ? nn.Sequential(
                            ("depthwise", new ConvNormAct(channels, channels, 3, stride, channels)),
                            ("pointwise", new ConvNormAct(channels, outChannels, 1))
                        )
                        : new ConvNormAct(config.Kind.Create3x3(channels, outChannels, stride), outChannels);
                blocks.Add(($"{blocks.Count}", block));
                channels = outChannels;
            }
            stages.Add(new StagePart(nn.Sequential(blocks), channels, rows[0].Stride));
        }
        return new Classifier(config.Name, stem, stages, new ClassifierHead(channels, options.NumClasses));
    }
}
