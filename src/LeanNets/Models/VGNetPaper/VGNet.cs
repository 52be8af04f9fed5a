using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>
/// VGNet (Visualization-Guided Network): a stem, four stages of downsampling + half-identity blocks,
/// a shared depthwise conv and a pointwise block (stage 4), then pooling and a linear classifier.
/// The variants differ only in where kernels are fixed (see docs/vgnet.md).
/// </summary>
public static class VGNet
{
    /// <summary>A width/depth row: stem then four stage widths; blocks per stage (the first is the downsampling
    /// block).</summary>
    public sealed record Size(string Tag, int[] Channels, int[] Layers);

    /// <summary>Which depthwise layers are fixed: the letter after "VGNet" in the paper.</summary>
    /// <param name="LastFixed">fixed kernels (+BN) instead of the shared learnable depthwise conv before the last
    /// pointwise block.</param>
    public sealed record Variant(string Letter, DepthwiseKernels Downsample, DepthwiseKernels Mix, bool LastFixed);

    public sealed record Config
    {
        public required string Name { get; init; }
        public required Size Size { get; init; }
        public required Variant Variant { get; init; }
        public bool SqueezeExcite { get; init; }
        public ActivationKind Activation { get; init; } = ActivationKind.ReLU;

        /// <summary>The authors' "thumbnail" option for 32x32 inputs: stride-1 stem and first stage.</summary>
        public bool Thumbnail { get; init; }
    }

    public static readonly Size Mp10 = new("1_0mp", [28, 56, 112, 224, 368], [4, 7, 13, 2]);
    public static readonly Size Mp15 = new("1_5mp", [32, 64, 128, 256, 512], [3, 7, 14, 2]);
    public static readonly Size Mp20 = new("2_0mp", [32, 72, 168, 376, 512], [3, 6, 13, 2]);
    public static readonly Size Mp25 = new("2_5mp", [32, 80, 192, 400, 544], [3, 6, 16, 2]);

    public static readonly Variant C = new("c", DepthwiseKernels.Learnable, DepthwiseKernels.Learnable, false);
    public static readonly Variant G = new("g", DepthwiseKernels.SignedBlur, DepthwiseKernels.Learnable, false);
    public static readonly Variant F1 = new(
        "f1",
        DepthwiseKernels.SignedBlur,
        DepthwiseKernels.SixEdgesTwoGaussians,
        false
    );
    public static readonly Variant F2 = new(
        "f2",
        DepthwiseKernels.SignedBlur,
        DepthwiseKernels.SixEdgesTwoGaussians,
        true
    );
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
                yield return Spec(Configure(G, size, thumbnail));
                yield return Spec(Configure(G, size, thumbnail) with { SqueezeExcite = true });
                yield return Spec(Configure(G, size, thumbnail) with { Activation = ActivationKind.SiLU });
            }
            foreach (var variant in new[] { C, F1, F2, F3, F4 })
                yield return Spec(Configure(variant, Mp15, thumbnail));
        }
    }

    private static Config Configure(Variant variant, Size size, bool thumbnail) =>
        new()
        {
            Name = "",
            Size = size,
            Variant = variant,
            Thumbnail = thumbnail,
        };

    /// <summary>"vgnetg_1_0mp", then "_se", "_silu" and "_cifar" as the configuration says.</summary>
    public static string NameOf(Config c) =>
        $"vgnet{c.Variant.Letter}_{c.Size.Tag}"
        + (c.SqueezeExcite ? "_se" : "")
        + (c.Activation == ActivationKind.SiLU ? "_silu" : "")
        + (c.Thumbnail ? "_cifar" : "");

    private static ModelSpec Spec(Config c)
    {
        c = c with { Name = NameOf(c) };
        return new ModelSpec(
            c.Name,
            ModelFamily.VGNet,
            Paper.VGNet,
            c.Thumbnail ? new InputShape(3, 32, 32) : new InputShape(3, 224, 224),
            c.Thumbnail ? 100 : 1000,
            o => Build(c, o)
        );
    }

    public static Classifier Build(Config config, ModelOptions options)
    {
        var ch = config.Size.Channels;
        var act = config.Activation;
        int stemStride = config.Thumbnail ? 1 : 2;
        var stem = new StagePart(
            new ConvNormAct(options.InChannels, ch[0], 3, stemStride, activation: act, normAfterActivation: true),
            ch[0],
            stemStride
        );
        var stages = new List<StagePart>();
        for (int s = 0; s < 4; s++)
        {
            // Thumbnail: the first downsampling block keeps the resolution with a learned depthwise filter, so
            // 32x32 reaches the last stage at 4x4.
            bool keepResolution = config.Thumbnail && s == 0;
            var downsample = keepResolution ? DepthwiseKernels.Learnable : config.Variant.Downsample;
            int stride = keepResolution ? 1 : 2;
            var stage = new VGNetStage(
                ch[s],
                ch[s + 1],
                config.Size.Layers[s] - 1,
                downsample,
                config.Variant.Mix,
                act,
                config.SqueezeExcite,
                stride
            );
            stages.Add(new StagePart(stage, ch[s + 1], stride));
        }
        long last = ch[4];
        // The paper's last two rows (shared depthwise conv, pointwise block) widen stage 4's output to the head's
        // input.
        var final = nn.Sequential(
            (
                "depthwise",
                config.Variant.LastFixed
                    ? VGNetDepthwise.Create(last, config.Variant.Mix, 1)
                    : new SharedDepthwiseConv(last, SharedDepthwiseShares)
            ),
            ("pointwise", new PointwiseBlock(last, last, act))
        );
        stages.Add(new StagePart(final, last, 1));
        return new Classifier(config.Name, stem, stages, new ClassifierHead(last, options.NumClasses));
    }
}
