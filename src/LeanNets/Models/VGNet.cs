using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// VGNet (Visualization-Guided Network): a stem, four stages of downsampling + half-identity blocks,
/// a shared depthwise conv and a pointwise block, then pooling and a linear classifier.
/// The variants differ only in where kernels are fixed (see docs/vgnet.md).
/// </summary>
public static class VGNet
{
    /// <summary>A width/depth row: stem then four stage widths; blocks per stage (the first is the downsampling block).</summary>
    public sealed record Size(string Tag, int[] Channels, int[] Layers);

    /// <summary>Which depthwise layers are fixed: the letter after "VGNet" in the paper.</summary>
    /// <param name="LastFixed">fixed kernels (+BN) instead of the shared learnable depthwise conv before the last pointwise block.</param>
    public sealed record Variant(string Letter, DepthwiseKernels Downsample, DepthwiseKernels Mix, bool LastFixed);

    public sealed record Config(string Name, Size Size, Variant Variant, bool SqueezeExcite, ActivationKind Activation, bool Thumbnail, string? PaperName);

    public static readonly Size Mp10 = new("1_0mp", [28, 56, 112, 224, 368], [4, 7, 13, 2]);
    public static readonly Size Mp15 = new("1_5mp", [32, 64, 128, 256, 512], [3, 7, 14, 2]);
    public static readonly Size Mp20 = new("2_0mp", [32, 72, 168, 376, 512], [3, 6, 13, 2]);
    public static readonly Size Mp25 = new("2_5mp", [32, 80, 192, 400, 544], [3, 6, 16, 2]);

    public static readonly Variant C = new("c", DepthwiseKernels.Learnable, DepthwiseKernels.Learnable, false);
    public static readonly Variant G = new("g", DepthwiseKernels.SignedBlur, DepthwiseKernels.Learnable, false);
    public static readonly Variant F1 = new("f1", DepthwiseKernels.SignedBlur, DepthwiseKernels.SixEdgesTwoGaussians, false);
    public static readonly Variant F2 = new("f2", DepthwiseKernels.SignedBlur, DepthwiseKernels.SixEdgesTwoGaussians, true);
    public static readonly Variant F3 = new("f3", DepthwiseKernels.SignedBlur, DepthwiseKernels.FourEdges, false);
    public static readonly Variant F4 = new("f4", DepthwiseKernels.SignedBlur, DepthwiseKernels.FourEdges, true);

    /// <summary>The shared depthwise conv serves t = 8 chunks (paper Table 1).</summary>
    public const int SharedDepthwiseShares = 8;

    public static IEnumerable<ModelSpec> Specs()
    {
        foreach (bool thumbnail in new[] { false, true })
        {
            foreach (var size in new[] { Mp10, Mp15, Mp20, Mp25 })
            {
                string paperSize = size.Tag.Replace("_", ".").ToUpperInvariant().Replace("MP", "MP");
                yield return Spec(Configure(G, size, false, ActivationKind.ReLU, thumbnail, $"VGNetG-{paperSize}"));
                yield return Spec(Configure(G, size, true, ActivationKind.ReLU, thumbnail, $"VGNetG-{paperSize}+SE"));
                yield return Spec(Configure(G, size, false, ActivationKind.SiLU, thumbnail, $"VGNetG-{paperSize}+SiLU"));
            }
            foreach (var variant in new[] { C, F1, F2, F3, F4 })
                yield return Spec(Configure(variant, Mp15, false, ActivationKind.ReLU, thumbnail, $"VGNet{variant.Letter.ToUpperInvariant()}-1.5MP"));
        }
    }

    private static Config Configure(Variant variant, Size size, bool se, ActivationKind activation, bool thumbnail, string paperName)
    {
        string name = $"vgnet{variant.Letter}_{size.Tag}" + (se ? "_se" : "") + (activation == ActivationKind.SiLU ? "_silu" : "") + (thumbnail ? "_cifar" : "");
        return new Config(name, size, variant, se, activation, thumbnail, paperName);
    }

    private static ModelSpec Spec(Config c) => new(c.Name, "vgnet", "vgnet",
        c.Thumbnail ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224), c.Thumbnail ? 100 : 1000, o => Build(c, o), c.PaperName);

    public static Classifier Build(Config config, ModelOptions options)
    {
        var ch = config.Size.Channels;
        var act = config.Activation;
        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("stem", new ConvNormAct(options.InChannels, ch[0], 3, config.Thumbnail ? 1 : 2, activation: act, normAfterActivation: true)),
        };
        for (int s = 0; s < 4; s++)
        {
            // Small inputs (the authors' "thumbnail" option): stride-1 stem, and the first downsampling block keeps
            // the resolution with a learned depthwise filter, so 32x32 reaches the last stage at 4x4.
            bool keepResolution = config.Thumbnail && s == 0;
            var downsample = keepResolution ? DepthwiseKernels.Learnable : config.Variant.Downsample;
            features.Add(($"stage{s + 1}", new VGNetStage(ch[s], ch[s + 1], config.Size.Layers[s] - 1, downsample, config.Variant.Mix, act,
                config.SqueezeExcite, keepResolution ? 1 : 2)));
        }
        long last = ch[4];
        features.Add(("last_depthwise", config.Variant.LastFixed
            ? VGNetDepthwise.Create(last, config.Variant.Mix, 1)
            : new SharedDepthwiseConv(last, SharedDepthwiseShares)));
        features.Add(("last_pointwise", new PointwiseBlock(last, last, act)));
        var head = ClassifierHead.PoolLinear(last, options.NumClasses);
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), head));
    }
}
