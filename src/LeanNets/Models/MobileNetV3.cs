using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>MobileNetV3 (Howard et al. 2019). Small as torchvision builds it; Large x0.75 as timm does (the VGNet table's figure).</summary>
public static class MobileNetV3
{
    /// <summary>One inverted residual: kernel, expanded width, output width, SE, hard-swish (else ReLU), stride.</summary>
    public sealed record Row(int Kernel, int Expanded, int Out, bool SE, bool HardSwish, int Stride);

    /// <param name="TimmScaling">timm's scaling: expanded widths from the scaled input times the expansion ratio, and a
    /// pooled 1x1 conv head with bias to an unscaled 1280 (else torchvision's: scaled absolute widths, linear head).</param>
    public sealed record Config(string Name, IReadOnlyList<Row> Rows, int LastChannels, double WidthMultiplier, bool TimmScaling, string PaperName);

    public static readonly IReadOnlyList<Row> Small =
    [
        new(3, 16, 16, true, false, 2), new(3, 72, 24, false, false, 2), new(3, 88, 24, false, false, 1),
        new(5, 96, 40, true, true, 2), new(5, 240, 40, true, true, 1), new(5, 240, 40, true, true, 1),
        new(5, 120, 48, true, true, 1), new(5, 144, 48, true, true, 1), new(5, 288, 96, true, true, 2),
        new(5, 576, 96, true, true, 1), new(5, 576, 96, true, true, 1),
    ];

    public static readonly IReadOnlyList<Row> Large =
    [
        new(3, 16, 16, false, false, 1), new(3, 64, 24, false, false, 2), new(3, 72, 24, false, false, 1),
        new(5, 72, 40, true, false, 2), new(5, 120, 40, true, false, 1), new(5, 120, 40, true, false, 1),
        new(3, 240, 80, false, true, 2), new(3, 200, 80, false, true, 1), new(3, 184, 80, false, true, 1),
        new(3, 184, 80, false, true, 1), new(3, 480, 112, true, true, 1), new(3, 672, 112, true, true, 1),
        new(5, 672, 160, true, true, 2), new(5, 960, 160, true, true, 1), new(5, 960, 160, true, true, 1),
    ];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("mobilenetv3_small_100", Small, 1024, 1.0, false, "MobileNet V3 Small"));
        yield return Spec(new Config("mobilenetv3_large_075", Large, 1280, 0.75, true, "MobileNet V3 Large × 0.75"));
        yield return Spec(new Config("mobilenetv3_large_100", Large, 1280, 1.0, false, "MobileNet V3 Large"));
    }

    private static ModelSpec Spec(Config c) => new(c.Name, "mobilenetv3", "peer", new InputShape(3, 224, 224), 1000, o => Build(c, o), c.PaperName);

    public static Classifier Build(Config config, ModelOptions options)
    {
        long Scale(int c) => Channels.MakeDivisible(c * config.WidthMultiplier);
        long channels = Scale(16);
        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("stem", new ConvNormAct(options.InChannels, channels, 3, 2, activation: ActivationKind.HardSwish)),
        };
        int index = 1, unscaledIn = 16;
        foreach (var row in config.Rows)
        {
            long expanded = config.TimmScaling ? Channels.MakeDivisible(channels * (double)row.Expanded / unscaledIn) : Scale(row.Expanded);
            long output = Scale(row.Out);
            unscaledIn = row.Out;
            long? se = row.SE ? Channels.MakeDivisible(expanded / 4) : null;
            features.Add(($"block{index++}", new InvertedResidual(channels, expanded, output, row.Kernel, row.Stride,
                row.HardSwish ? ActivationKind.HardSwish : ActivationKind.ReLU, se)));
            channels = output;
        }
        long lastConv = 6 * channels;
        features.Add(("last", new ConvNormAct(channels, lastConv, 1, activation: ActivationKind.HardSwish)));
        long hidden = config.TimmScaling ? config.LastChannels : Channels.MakeDivisible(config.LastChannels * config.WidthMultiplier);
        var head = ClassifierHead.PoolConvLinear(lastConv, hidden, options.NumClasses, ActivationKind.HardSwish, 0.2, linearHidden: !config.TimmScaling);
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), head));
    }
}
