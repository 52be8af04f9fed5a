using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>
/// MobileNetV2 (Sandler et al. 2018): torchvision's ImageNet network, the CIFAR network the DualConv paper
/// counts, and the paper's DualConv variant of each (its stride-1 inverted residuals replaced).
/// </summary>
public static class MobileNetV2
{
    /// <summary>One stage: expansion t, output channels c, repeats n, first stride s.</summary>
    public sealed record Stage(int Expansion, int Channels, int Repeats, int Stride);

    public static readonly IReadOnlyList<Stage> Stages =
    [
        new(1, 16, 1, 1),
        new(6, 24, 2, 2),
        new(6, 32, 3, 2),
        new(6, 64, 4, 2),
        new(6, 96, 3, 1),
        new(6, 160, 3, 2),
        new(6, 320, 1, 1),
    ];

    /// <summary>The CIFAR network's rows (weiaicunzai/pytorch-cifar100 layout): the 160-wide stage keeps stride
    /// 1.</summary>
    public static readonly IReadOnlyList<Stage> CifarStages =
    [
        new(1, 16, 1, 1),
        new(6, 24, 2, 2),
        new(6, 32, 3, 2),
        new(6, 64, 4, 2),
        new(6, 96, 3, 1),
        new(6, 160, 3, 1),
        new(6, 320, 1, 1),
    ];


    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new MobileNetConfig { Prefix = "mobilenetv2_050", WidthMultiplier = 0.5 });
        yield return Spec(new MobileNetConfig { Prefix = "mobilenetv2_075", WidthMultiplier = 0.75 });
        foreach (var prefix in new[] { "mobilenetv2_100", "mobilenetv2_cifar" })
        {
            foreach (var kind in ConvKind.PaperDualConvs.Prepend(ConvKind.Standard))
                yield return Spec(
                    new MobileNetConfig
                    {
                        Prefix = prefix,
                        Cifar = prefix.EndsWith("cifar"),
                        Kind = kind,
                    }
                );
        }
    }

    private static ModelSpec Spec(MobileNetConfig c) =>
        new(
            c.Name,
            ModelFamily.MobileNetV2,
            c.Kind == ConvKind.Standard && !c.Cifar ? Paper.Peer : Paper.DualConv,
            c.Cifar ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224),
            c.Cifar ? 10 : 1000,
            o => Build(c, o)
        );

    public static Classifier Build(MobileNetConfig config, ModelOptions options)
    {
        double wm = config.WidthMultiplier;
        long channels = Channels.MakeDivisible(32 * wm);
        long lastChannels = Channels.MakeDivisible(1280 * Math.Max(1.0, wm));
        var stem = config.Cifar
            ? new StagePart(
                new ConvNormAct(nn.Conv2d(options.InChannels, channels, 1, padding: 1), channels, ActivationKind.ReLU6),
                channels,
                1
            )
            : new StagePart(
                new ConvNormAct(options.InChannels, channels, 3, 2, activation: ActivationKind.ReLU6),
                channels,
                2
            );
        var rows = config.Cifar ? CifarStages : Stages;
        var stages = new List<StagePart>();
        for (int s = 0; s < rows.Count; s++)
        {
            var row = rows[s];
            long outChannels = Channels.MakeDivisible(row.Channels * wm);
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i < row.Repeats; i++)
            {
                int stride = i == 0 ? row.Stride : 1;
                // The paper keeps "the convolution stride as 1": only stride-1 blocks are replaced, without residual.
                nn.Module<Tensor, Tensor> block =
                    config.Kind == ConvKind.Standard || stride != 1
                        ? new InvertedResidual(
                            channels,
                            channels * row.Expansion,
                            outChannels,
                            3,
                            stride,
                            ActivationKind.ReLU6,
                            bias: config.Cifar,
                            alwaysExpand: config.Cifar
                        )
                        : new ConvNormAct(
                            config
                                .Kind.WithGroups(Groups(config, s, channels, outChannels))
                                .Create3x3(channels, outChannels, 1),
                            outChannels,
                            ActivationKind.ReLU6
                        );
                blocks.Add(($"{i}", block));
                channels = outChannels;
            }
            stages.Add(new StagePart(nn.Sequential(blocks), outChannels, row.Stride));
        }
        var last = new ConvNormAct(channels, lastChannels, 1, activation: ActivationKind.ReLU6, bias: config.Cifar);
        stages.Add(new StagePart(last, lastChannels, 1));
        // The CIFAR network classifies with a 1x1 conv on the pooled map: the same weights and MACs as a linear layer.
        var head = new ClassifierHead(lastChannels, options.NumClasses, dropout: config.Cifar ? 0 : 0.2);
        return new Classifier(config.Name, stem, stages, head);
    }

    /// <summary>
    /// The group count of a replaced block (the conventions that reproduce the paper's Tables II, IV and VI):
    /// CIFAR uses min(G, 8) in the first three stages and G after; ImageNet uses G where it divides both
    /// channel counts, else 8.
    /// </summary>
    private static int Groups(MobileNetConfig config, int stage, long inChannels, long outChannels)
    {
        int g = config.Kind.Groups;
        if (config.Cifar)
            return stage < 3 ? Math.Min(g, 8) : g;
        return inChannels % g == 0 && outChannels % g == 0 ? g : 8;
    }
}
