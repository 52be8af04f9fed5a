using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// MobileNetV1 (Howard et al. 2017): a 3x3 stem and 13 depthwise-separable blocks. In the DualConv
/// paper each whole block becomes one <see cref="ConvKind"/> conv + BN + ReLU.
/// </summary>
public static class MobileNetV1
{
    /// <summary>Block output widths and strides.</summary>
    public static readonly (int Channels, int Stride)[] Blocks =
    [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ];

    /// <param name="Cifar">stride-1 stem for 32x32 inputs.</param>
    public sealed record Config(string Name, double WidthMultiplier, bool Cifar, ConvKind Kind, string? PaperName);

    private static readonly int[] PaperGroups = [2, 4, 8, 16, 32];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("mobilenetv1_100", 1.0, false, ConvKind.Standard, "MobileNetV1"));
        foreach (var kind in PaperGroups.Select(ConvKind.Dual).Append(ConvKind.Group(2)).Append(ConvKind.Het(4)))
            yield return Spec(new Config("mobilenetv1_100" + kind.Suffix, 1.0, false, kind, "MobileNetV1" + kind.PaperSuffix));
        yield return Spec(new Config("mobilenetv1_cifar", 1.0, true, ConvKind.Standard, "MobileNetV1"));
        foreach (var kind in PaperGroups.Select(ConvKind.Dual).Append(ConvKind.Group(4)).Append(ConvKind.Het(4)).Append(ConvKind.Het(32)))
            yield return Spec(new Config("mobilenetv1_cifar" + kind.Suffix, 1.0, true, kind, "MobileNetV1" + kind.PaperSuffix));
    }

    private static ModelSpec Spec(Config c) => new(c.Name, "mobilenetv1", c.Kind == ConvKind.Standard && !c.Cifar ? "peer" : "dualconv",
        c.Cifar ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224), c.Cifar ? 10 : 1000, o => Build(c, o), c.PaperName,
        c.Name == "mobilenetv1_100" ? "MobileNet V1×1.0" : null);

    public static Classifier Build(Config config, ModelOptions options)
    {
        long Width(int c) => Math.Max(8, (long)(c * config.WidthMultiplier));
        long channels = Width(32);
        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("stem", new ConvNormAct(options.InChannels, channels, 3, config.Cifar ? 1 : 2)),
        };
        for (int i = 0; i < Blocks.Length; i++)
        {
            long outChannels = Width(Blocks[i].Channels), stride = Blocks[i].Stride;
            nn.Module<Tensor, Tensor> block = config.Kind == ConvKind.Standard
                ? nn.Sequential(
                    ("depthwise", new ConvNormAct(channels, channels, 3, stride, channels)),
                    ("pointwise", new ConvNormAct(channels, outChannels, 1)))
                : new ConvNormAct(config.Kind.Create3x3(channels, outChannels, stride), outChannels);
            features.Add(($"block{i + 1}", block));
            channels = outChannels;
        }
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), ClassifierHead.PoolLinear(channels, options.NumClasses)));
    }
}
