using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>MobileNetV2 (Sandler et al. 2018) as torchvision builds it, plus the DualConv paper's variant.</summary>
public static class MobileNetV2
{
    /// <summary>One stage: expansion t, output channels c, repeats n, first stride s.</summary>
    public sealed record Stage(int Expansion, int Channels, int Repeats, int Stride);

    public static readonly IReadOnlyList<Stage> Stages =
    [
        new(1, 16, 1, 1), new(6, 24, 2, 2), new(6, 32, 3, 2), new(6, 64, 4, 2),
        new(6, 96, 3, 1), new(6, 160, 3, 2), new(6, 320, 1, 1),
    ];

    /// <param name="Cifar">stride-1 stem (and stride-1 second stage, as CIFAR MobileNetV2 ports do).</param>
    /// <param name="Kind">standard inverted residuals, or each block replaced by Kind's 3x3 conv + BN + ReLU6 (DualConv paper).</param>
    public sealed record Config(string Name, double WidthMultiplier, bool Cifar, ConvKind Kind, string? PaperName);

    private static readonly int[] PaperGroups = [2, 4, 8, 16, 32];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("mobilenetv2_050", 0.5, false, ConvKind.Standard, "MobileNet V2×0.5"), "peer");
        yield return Spec(new Config("mobilenetv2_075", 0.75, false, ConvKind.Standard, "MobileNet V2×0.75"), "peer");
        yield return Spec(new Config("mobilenetv2_100", 1.0, false, ConvKind.Standard, "MobileNetV2"), "peer");
        foreach (int g in PaperGroups)
            yield return Spec(new Config($"mobilenetv2_100_dualconv_g{g}", 1.0, false, ConvKind.Dual(g), $"MobileNetV2_G{g}"), "dualconv");
        yield return Spec(new Config("mobilenetv2_cifar", 1.0, true, ConvKind.Standard, "MobileNetV2"), "dualconv");
        foreach (int g in PaperGroups)
            yield return Spec(new Config($"mobilenetv2_cifar_dualconv_g{g}", 1.0, true, ConvKind.Dual(g), $"MobileNetV2_G{g}"), "dualconv");
    }

    private static ModelSpec Spec(Config c, string paper) => new(c.Name, "mobilenetv2", paper,
        c.Cifar ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224), c.Cifar ? 10 : 1000, o => Build(c, o), c.PaperName,
        c.Name == "mobilenetv2_100" ? "MobileNet V2×1.0" : null);

    public static Classifier Build(Config config, ModelOptions options)
    {
        double wm = config.WidthMultiplier;
        long inputChannels = Channels.MakeDivisible(32 * wm);
        long lastChannels = Channels.MakeDivisible(1280 * Math.Max(1.0, wm));
        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("stem", new ConvNormAct(options.InChannels, inputChannels, 3, config.Cifar ? 1 : 2, activation: ActivationKind.ReLU6)),
        };
        int index = 1;
        for (int s = 0; s < Stages.Count; s++)
        {
            var stage = Stages[s];
            long outChannels = Channels.MakeDivisible(stage.Channels * wm);
            int firstStride = config.Cifar && s == 1 ? 1 : stage.Stride;
            for (int i = 0; i < stage.Repeats; i++)
            {
                long stride = i == 0 ? firstStride : 1;
                nn.Module<Tensor, Tensor> block = config.Kind == ConvKind.Standard
                    ? new InvertedResidual(inputChannels, (long)Math.Round(inputChannels * (double)stage.Expansion), outChannels, 3, stride, ActivationKind.ReLU6)
                    : new ConvNormAct(config.Kind.FitTo(inputChannels, outChannels).Create3x3(inputChannels, outChannels, stride), outChannels, ActivationKind.ReLU6);
                features.Add(($"block{index++}", block));
                inputChannels = outChannels;
            }
        }
        features.Add(("last", new ConvNormAct(inputChannels, lastChannels, 1, activation: ActivationKind.ReLU6)));
        var head = ClassifierHead.PoolLinear(lastChannels, options.NumClasses, dropout: 0.2);
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), head));
    }
}
