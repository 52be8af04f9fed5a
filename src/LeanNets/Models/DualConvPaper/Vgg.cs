using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>
/// VGG-16 in the forms the DualConv paper uses: CIFAR-10 (BN, one FC), CIFAR-100 (BN, three FC), ImageNet
/// (torchvision's vgg16: no BN, 7x7 pool, three FC), and HetConv's own CIFAR head for the HetConv rows. The
/// 3x3 convs after the first are <see cref="ConvKind"/>s, so table rows are configurations of one builder.
/// The first conv is the stem; each stage is the convs of one resolution and the max-pool that ends it.
/// </summary>
public static class Vgg
{
    public enum Head
    {
        /// <summary>Linear(512, classes).</summary>
        CifarSingleFc,

        /// <summary>Linear(512, 4096), ReLU, Linear(4096, 4096), ReLU, Linear(4096, classes), with dropout.</summary>
        CifarThreeFc,

        /// <summary>torchvision's: 7x7 adaptive pool, then the three FC layers from 25,088 inputs.</summary>
        ImageNet,

        /// <summary>The HetConv paper's CIFAR head: Linear(512, 512), BN1d, ReLU, Linear(512, classes).</summary>
        HetConvCifar,
    }

    public sealed record Config
    {
        public required string Prefix { get; init; }
        public required Head Head { get; init; }
        public ConvKind Kind { get; init; } = ConvKind.Standard;

        public string Name => Prefix + Kind.Suffix;
    }

    /// <summary>VGG-16's convolution widths per stage (each stage ends with a 2x2 max-pool).</summary>
    public static readonly int[][] Vgg16 =
    [
        [64, 64],
        [128, 128],
        [256, 256, 256],
        [512, 512, 512],
        [512, 512, 512],
    ];

    public static IEnumerable<ModelSpec> Specs()
    {
        foreach (
            var (prefix, head) in new[]
            {
                ("vgg16_cifar", Head.CifarSingleFc),
                ("vgg16_cifar100", Head.CifarThreeFc),
                ("vgg16", Head.ImageNet),
            }
        )
        {
            var baseline = new Config { Prefix = prefix, Head = head };
            foreach (var kind in ConvKind.PaperDualConvs.Prepend(ConvKind.Standard))
                yield return Spec(baseline with { Kind = kind });
            if (head != Head.CifarSingleFc)
                continue;
            foreach (int g in ConvKind.PaperGroups)
            {
                yield return Spec(baseline with { Kind = ConvKind.Group(g) });
                yield return Spec(baseline with { Kind = ConvKind.Het(g) });
            }
        }
        // Table I's HetConv rows as the HetConv paper counted them (docs/paper-tables.md, VGG-16 with HetConv).
        foreach (int p in ConvKind.PaperGroups)
            yield return Spec(
                new Config
                {
                    Prefix = "vgg16_cifar_hetconvhead",
                    Head = Head.HetConvCifar,
                    Kind = ConvKind.Het(p),
                }
            );
    }

    private static ModelSpec Spec(Config c) =>
        new(
            c.Name,
            ModelFamily.Vgg,
            c.Kind == ConvKind.Standard && c.Head == Head.ImageNet ? Paper.Peer : Paper.DualConv,
            c.Head == Head.ImageNet ? new InputShape(3, 224, 224) : new InputShape(3, 32, 32),
            c.Head switch
            {
                Head.CifarThreeFc => 100,
                Head.ImageNet => 1000,
                _ => 10,
            },
            o => Build(c, o)
        );

    public static Classifier Build(Config config, ModelOptions options)
    {
        bool norm = config.Head != Head.ImageNet;
        // The first conv stays standard (DualConv paper); the baselines keep their biases.
        var stem = new ConvNormAct(
            ConvKind.Standard.Create3x3(options.InChannels, Vgg16[0][0], 1, bias: true),
            Vgg16[0][0],
            ActivationKind.ReLU,
            norm: norm
        );
        long channels = Vgg16[0][0];
        int conv = 1;
        var stages = new List<StagePart>();
        for (int s = 0; s < Vgg16.Length; s++)
        {
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            foreach (int width in Vgg16[s].Skip(s == 0 ? 1 : 0))
            {
                var layer = config.Kind.Create3x3(channels, width, 1, bias: config.Kind == ConvKind.Standard);
                layers.Add(($"conv{++conv}", new ConvNormAct(layer, width, ActivationKind.ReLU, norm: norm)));
                channels = width;
            }
            layers.Add(("pool", nn.MaxPool2d(2, 2)));
            stages.Add(new StagePart(nn.Sequential(layers), channels, 2));
        }
        var head = config.Head switch
        {
            Head.CifarSingleFc => new ClassifierHead(channels, options.NumClasses),
            Head.CifarThreeFc => ThreeFc(channels, 1, options.NumClasses),
            Head.ImageNet => ThreeFc(channels, 7, options.NumClasses),
            _ => new ClassifierHead(
                channels,
                options.NumClasses,
                preLogits: (
                    nn.Sequential(
                        ("flatten", nn.Flatten()),
                        ("fc1", nn.Linear(channels, 512)),
                        ("bn", BatchNorm.Over1d(512)),
                        ("relu", nn.ReLU(inplace: true))
                    ),
                    512
                )
            ),
        };
        return new Classifier(config.Name, new StagePart(stem, Vgg16[0][0], 1), stages, head);
    }

    /// <summary>Adaptive pool to <paramref name="grid"/> x grid, then FC-4096, FC-4096 (ReLU, dropout),
    /// FC-classes.</summary>
    private static ClassifierHead ThreeFc(long channels, int grid, long classes) =>
        new(
            channels,
            classes,
            poolSize: grid,
            preLogits: (
                nn.Sequential(
                    ("flatten", nn.Flatten()),
                    ("fc1", nn.Linear(channels * grid * grid, 4096)),
                    ("relu1", nn.ReLU(inplace: true)),
                    ("drop1", nn.Dropout(0.5)),
                    ("fc2", nn.Linear(4096, 4096)),
                    ("relu2", nn.ReLU(inplace: true)),
                    ("drop2", nn.Dropout(0.5))
                ),
                4096
            )
        );
}
