using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>ResNet with bottleneck blocks (ResNet-50) or basic blocks (ResNet-18/34), in torchvision's layout:
/// stride on a 3x3 conv, 1x1+BN projections.</summary>
public static class ResNet
{
    public sealed record Config
    {
        public required string Prefix { get; init; }

        /// <summary>Blocks per stage.</summary>
        public required int[] Layers { get; init; }

        /// <summary>Basic blocks (two 3x3 convs, ResNet-18/34) instead of bottlenecks.</summary>
        public bool Basic { get; init; }

        /// <summary>3x3 stride-1 stem and no max-pool (the usual CIFAR adaptation).</summary>
        public bool Cifar { get; init; }

        /// <summary>The 3x3 convolution inside each bottleneck.</summary>
        public ConvKind Kind { get; init; } = ConvKind.Standard;

        /// <summary>Also replace the stride-2 3x3 convs (DualConv on ImageNet); CIFAR keeps them standard.</summary>
        public bool ReplaceStrided { get; init; }

        /// <summary>CNTK's "same" padding on the strided layers (<see cref="AsymmetricZeroPad"/>; at 224 the 7x7
        /// stem is padded 3 before and 2 after, the max-pool and every strided 3x3 1 and 0), as ML.NET's ImageNet
        /// ResNet-18 was trained.</summary>
        public bool CntkPadding { get; init; }

        public string Name => Prefix + Kind.Suffix;
    }

    private static readonly int[] ResNet50Layers = [3, 4, 6, 3];

    /// <summary>ResNet-18 and -34 (torchvision's), with DualConv and GroupConv G=4 beyond the paper, which put them
    /// in ResNet-50 only.</summary>
    private static readonly (string Prefix, int[] Layers)[] BasicDepths =
    [
        ("resnet18", [2, 2, 2, 2]),
        ("resnet34", [3, 4, 6, 3]),
    ];

    public static IEnumerable<ModelSpec> Specs()
    {
        var imagenet = new Config
        {
            Prefix = "resnet50",
            Layers = ResNet50Layers,
            ReplaceStrided = true,
        };
        var cifar = new Config
        {
            Prefix = "resnet50_cifar",
            Layers = ResNet50Layers,
            Cifar = true,
        };
        foreach (
            var (baseline, extra) in new[]
            {
                (imagenet, new[] { ConvKind.Group(2), ConvKind.Het(4) }),
                (cifar, new[] { ConvKind.Group(4), ConvKind.Het(4) }),
            }
        )
        {
            foreach (var kind in ConvKind.PaperDualConvs.Prepend(ConvKind.Standard).Concat(extra))
                yield return Spec(baseline with { Kind = kind });
        }
        foreach (var (prefix, layers) in BasicDepths)
        {
            var basic = new Config { Prefix = prefix, Layers = layers, Basic = true, ReplaceStrided = true };
            foreach (var kind in new[] { ConvKind.Standard, ConvKind.Dual(4), ConvKind.Group(4) })
                yield return Spec(basic with { Kind = kind });
        }
        yield return Spec(MlNet);
    }

    /// <summary>The network of ML.NET's ImageNet featurizer (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18,
    /// exported by CNTK): basic blocks [2, 2, 2, 3] (one more in the last stage than torchvision's) and CNTK's
    /// start-heavy padding, so its weights give its features exactly.</summary>
    public static readonly Config MlNet = new()
    {
        Prefix = "resnet18_mlnet",
        Layers = [2, 2, 2, 3],
        Basic = true,
        ReplaceStrided = true,
        Kind = ConvKind.StartPadded,
        CntkPadding = true,
    };

    private static ModelSpec Spec(Config c) =>
        new(
            c.Name,
            ModelFamily.ResNet,
            (c.Kind == ConvKind.Standard || c.CntkPadding) && !c.Cifar ? Paper.Peer
                : c.Basic ? Paper.Beyond
                : Paper.DualConv,
            c.Cifar ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224),
            c.Cifar ? 10 : 1000,
            o => Build(c, o)
        );

    public static Classifier Build(Config config, ModelOptions options)
    {
        var stem = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            (
                "conv1",
                config.Cifar ? nn.Conv2d(options.InChannels, 64, 3, stride: 1, padding: 1, bias: false)
                : config.CntkPadding ? nn.Sequential(
                    ("0", new AsymmetricZeroPad(7, 2)),
                    ("1", nn.Conv2d(options.InChannels, 64, 7, stride: 2, bias: false))
                )
                : nn.Conv2d(options.InChannels, 64, 7, stride: 2, padding: 3, bias: false)
            ),
            ("bn1", BatchNorm.Over2d(64)),
            ("relu", nn.ReLU(inplace: true)),
        };
        // Zero padding before the max-pool equals its -inf padding here: it follows a ReLU.
        if (config.CntkPadding)
            stem.Add(("maxpool", nn.Sequential(("0", new AsymmetricZeroPad(3, 2)), ("1", nn.MaxPool2d(3, 2)))));
        else if (!config.Cifar)
            stem.Add(("maxpool", nn.MaxPool2d(3, stride: 2, padding: 1)));
        long inplanes = 64;
        var stages = new List<StagePart>();
        for (int stage = 0; stage < config.Layers.Length; stage++)
        {
            int stride = stage == 0 ? 1 : 2;
            var layer = MakeLayer(ref inplanes, 64L << stage, config.Layers[stage], stride, config);
            stages.Add(new StagePart(layer, inplanes, stride));
        }
        return new Classifier(
            config.Name,
            new StagePart(nn.Sequential(stem), 64, config.Cifar ? 1 : 4),
            stages,
            new ClassifierHead(inplanes, options.NumClasses)
        );
    }

    private static nn.Module<Tensor, Tensor> MakeLayer(
        ref long inplanes,
        long width,
        int blocks,
        long stride,
        Config config
    )
    {
        var layer = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
        {
            long s = i == 0 ? stride : 1;
            var kind = s == 1 || config.ReplaceStrided ? config.Kind : ConvKind.Standard;
            if (config.Basic)
            {
                layer.Add(($"{i}", new BasicBlock(inplanes, width, s, kind, config.Kind)));
                inplanes = width;
                continue;
            }
            layer.Add(($"{i}", new Bottleneck(inplanes, width, s, kind)));
            inplanes = width * Bottleneck.Expansion;
        }
        return nn.Sequential(layer);
    }
}
