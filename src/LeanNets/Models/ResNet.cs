using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>ResNet with bottleneck blocks (torchvision layout: stride on the 3x3 conv, 1x1+BN projections).</summary>
public static class ResNet
{
    /// <param name="Name">registry name.</param>
    /// <param name="Layers">bottleneck blocks per stage.</param>
    /// <param name="Cifar">3x3 stride-1 stem and no max-pool (the usual CIFAR adaptation).</param>
    /// <param name="Kind">the 3x3 convolution inside each bottleneck.</param>
    /// <param name="ReplaceStrided">also replace the stride-2 3x3 convs (DualConv ImageNet); CIFAR keeps them standard.</param>
    public sealed record Config(string Name, int[] Layers, bool Cifar, ConvKind Kind, bool ReplaceStrided, string? PaperName);

    private static readonly int[] ResNet50Layers = [3, 4, 6, 3];
    private static readonly int[] PaperGroups = [2, 4, 8, 16, 32];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("resnet50", ResNet50Layers, false, ConvKind.Standard, true, "ResNet-50"));
        foreach (int g in PaperGroups)
            yield return Spec(new Config($"resnet50_dualconv_g{g}", ResNet50Layers, false, ConvKind.Dual(g), true, $"ResNet-50_G{g}"));
        yield return Spec(new Config("resnet50_gc_g2", ResNet50Layers, false, ConvKind.Group(2), true, "ResNet-50_GC_G2"));
        yield return Spec(new Config("resnet50_hetconv_p4", ResNet50Layers, false, ConvKind.Het(4), true, "ResNet-50_HC_P4"));
        yield return Spec(new Config("resnet50_cifar", ResNet50Layers, true, ConvKind.Standard, false, "ResNet-50"));
        foreach (int g in PaperGroups)
            yield return Spec(new Config($"resnet50_cifar_dualconv_g{g}", ResNet50Layers, true, ConvKind.Dual(g), false, $"ResNet-50_G{g}"));
        yield return Spec(new Config("resnet50_cifar_gc_g4", ResNet50Layers, true, ConvKind.Group(4), false, null));
        yield return Spec(new Config("resnet50_cifar_hetconv_p4", ResNet50Layers, true, ConvKind.Het(4), false, null));
    }

    private static ModelSpec Spec(Config c) => new(c.Name, "resnet", c.Kind == ConvKind.Standard && !c.Cifar ? "peer" : "dualconv",
        c.Cifar ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224), c.Cifar ? 10 : 1000, o => Build(c, o), c.PaperName);

    public static Classifier Build(Config config, ModelOptions options)
    {
        var features = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (config.Cifar)
        {
            features.Add(("conv1", nn.Conv2d(options.InChannels, 64, 3, stride: 1, padding: 1, bias: false)));
            features.Add(("bn1", nn.BatchNorm2d(64)));
            features.Add(("relu", nn.ReLU(inplace: true)));
        }
        else
        {
            features.Add(("conv1", nn.Conv2d(options.InChannels, 64, 7, stride: 2, padding: 3, bias: false)));
            features.Add(("bn1", nn.BatchNorm2d(64)));
            features.Add(("relu", nn.ReLU(inplace: true)));
            features.Add(("maxpool", nn.MaxPool2d(3, stride: 2, padding: 1)));
        }
        long inplanes = 64;
        for (int stage = 0; stage < config.Layers.Length; stage++)
        {
            long width = 64L << stage;
            long stride = stage == 0 ? 1 : 2;
            features.Add(($"layer{stage + 1}", MakeLayer(ref inplanes, width, config.Layers[stage], stride, config)));
        }
        var model = new Classifier(config.Name, nn.Sequential(features), ClassifierHead.PoolLinear(inplanes, options.NumClasses));
        return WeightInit.Apply(model);
    }

    private static nn.Module<Tensor, Tensor> MakeLayer(ref long inplanes, long width, int blocks, long stride, Config config)
    {
        var layer = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
        {
            long s = i == 0 ? stride : 1;
            var kind = s == 1 || config.ReplaceStrided ? config.Kind : ConvKind.Standard;
            layer.Add(($"{i}", new Bottleneck(inplanes, width, s, kind)));
            inplanes = width * Bottleneck.Expansion;
        }
        return nn.Sequential(layer);
    }
}
