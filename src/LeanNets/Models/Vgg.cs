using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// VGG-16 in the three forms the DualConv paper uses: CIFAR-10 (BN, one FC), CIFAR-100 (BN, three FC)
/// and ImageNet (torchvision's vgg16: no BN, 7x7 pool, three FC). The 3x3 convs after the first are
/// <see cref="ConvKind"/>s, so DualConv, GroupConv and HetConv rows are configurations of one builder.
/// </summary>
public static class Vgg
{
    public enum Head { CifarSingleFc, CifarThreeFc, ImageNet }

    public sealed record Config(string Name, Head Head, ConvKind Kind, string? PaperName);

    /// <summary>VGG-16's convolution widths; 0 marks a 2x2 max-pool.</summary>
    public static readonly int[] Vgg16 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

    private static readonly int[] PaperGroups = [2, 4, 8, 16, 32];

    public static IEnumerable<ModelSpec> Specs()
    {
        foreach (var (prefix, head) in new[] { ("vgg16_cifar", Head.CifarSingleFc), ("vgg16_cifar100", Head.CifarThreeFc), ("vgg16", Head.ImageNet) })
        {
            yield return Spec(new Config(prefix, head, ConvKind.Standard, "VGG-16"));
            foreach (int g in PaperGroups)
                yield return Spec(new Config(prefix + ConvKind.Dual(g).Suffix, head, ConvKind.Dual(g), "VGG-16" + ConvKind.Dual(g).PaperSuffix));
            if (head != Head.CifarSingleFc) continue;
            foreach (int g in PaperGroups)
            {
                yield return Spec(new Config(prefix + ConvKind.Group(g).Suffix, head, ConvKind.Group(g), "VGG-16" + ConvKind.Group(g).PaperSuffix));
                yield return Spec(new Config(prefix + ConvKind.Het(g).Suffix, head, ConvKind.Het(g), "VGG-16" + ConvKind.Het(g).PaperSuffix));
            }
        }
    }

    private static ModelSpec Spec(Config c) => new(c.Name, "vgg", c.Kind == ConvKind.Standard && c.Head == Head.ImageNet ? "peer" : "dualconv",
        c.Head == Head.ImageNet ? new InputShape(3, 224, 224) : new InputShape(3, 32, 32),
        c.Head switch { Head.CifarSingleFc => 10, Head.CifarThreeFc => 100, _ => 1000 }, o => Build(c, o), c.PaperName);

    public static Classifier Build(Config config, ModelOptions options)
    {
        bool norm = config.Head != Head.ImageNet;
        var features = new List<(string, nn.Module<Tensor, Tensor>)>();
        long channels = options.InChannels;
        int conv = 0, pool = 0;
        foreach (int width in Vgg16)
        {
            if (width == 0)
            {
                features.Add(($"pool{++pool}", nn.MaxPool2d(2, 2)));
                continue;
            }
            // The first conv stays standard (DualConv paper); the baselines keep their biases.
            var kind = conv == 0 ? ConvKind.Standard : config.Kind;
            var layer = kind.Create3x3(channels, width, 1, bias: kind == ConvKind.Standard);
            features.Add(($"conv{++conv}", new ConvNormAct(layer, width, ActivationKind.ReLU, norm: norm)));
            channels = width;
        }
        var head = config.Head switch
        {
            Head.CifarSingleFc => ClassifierHead.PoolLinear(512, options.NumClasses),
            Head.CifarThreeFc => ThreeFc(512, 1, options.NumClasses),
            _ => ThreeFc(512, 7, options.NumClasses),
        };
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), head));
    }

    /// <summary>Adaptive pool to <paramref name="grid"/> x grid, then FC-4096, FC-4096, FC-classes with ReLU and dropout.</summary>
    private static nn.Module<Tensor, Tensor> ThreeFc(long channels, int grid, long classes) => nn.Sequential(
        ("pool", nn.AdaptiveAvgPool2d(grid)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(channels * grid * grid, 4096)), ("relu1", nn.ReLU(inplace: true)), ("drop1", nn.Dropout(0.5)),
        ("fc2", nn.Linear(4096, 4096)), ("relu2", nn.ReLU(inplace: true)), ("drop2", nn.Dropout(0.5)),
        ("fc", nn.Linear(4096, classes)));
}
