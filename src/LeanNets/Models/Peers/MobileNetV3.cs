using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>
/// MobileNetV3 (Howard et al. 2019). Small as torchvision builds it; Large x0.75 as timm does (the VGNet table's
/// figure). Blocks are grouped into stages at each stride-2 block; the last 1x1 conv is a stage of its own.
/// </summary>
public static class MobileNetV3
{
    /// <summary>One inverted residual: kernel, expanded width, output width, SE, hard-swish (else ReLU),
    /// stride.</summary>
    public sealed record Row(int Kernel, int Expanded, int Out, bool SE, bool HardSwish, int Stride);

    public sealed record Config
    {
        public required string Name { get; init; }
        public required IReadOnlyList<Row> Rows { get; init; }
        public required int LastChannels { get; init; }
        public double WidthMultiplier { get; init; } = 1.0;

        /// <summary>timm's scaling: expanded widths from the scaled input times the expansion ratio, and a pooled
        /// 1x1 conv head with bias to an unscaled 1280 (else torchvision's: scaled absolute widths, linear
        /// head).</summary>
        public bool TimmScaling { get; init; }
    }

    public static readonly IReadOnlyList<Row> Small =
    [
        new(3, 16, 16, true, false, 2),
        new(3, 72, 24, false, false, 2),
        new(3, 88, 24, false, false, 1),
        new(5, 96, 40, true, true, 2),
        new(5, 240, 40, true, true, 1),
        new(5, 240, 40, true, true, 1),
        new(5, 120, 48, true, true, 1),
        new(5, 144, 48, true, true, 1),
        new(5, 288, 96, true, true, 2),
        new(5, 576, 96, true, true, 1),
        new(5, 576, 96, true, true, 1),
    ];

    public static readonly IReadOnlyList<Row> Large =
    [
        new(3, 16, 16, false, false, 1),
        new(3, 64, 24, false, false, 2),
        new(3, 72, 24, false, false, 1),
        new(5, 72, 40, true, false, 2),
        new(5, 120, 40, true, false, 1),
        new(5, 120, 40, true, false, 1),
        new(3, 240, 80, false, true, 2),
        new(3, 200, 80, false, true, 1),
        new(3, 184, 80, false, true, 1),
        new(3, 184, 80, false, true, 1),
        new(3, 480, 112, true, true, 1),
        new(3, 672, 112, true, true, 1),
        new(5, 672, 160, true, true, 2),
        new(5, 960, 160, true, true, 1),
        new(5, 960, 160, true, true, 1),
    ];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(
            new Config
            {
                Name = "mobilenetv3_small_100",
                Rows = Small,
                LastChannels = 1024,
            }
        );
        yield return Spec(
            new Config
            {
                Name = "mobilenetv3_large_075",
                Rows = Large,
                LastChannels = 1280,
                WidthMultiplier = 0.75,
                TimmScaling = true,
            }
        );
        yield return Spec(
            new Config
            {
                Name = "mobilenetv3_large_100",
                Rows = Large,
                LastChannels = 1280,
            }
        );
    }

    private static ModelSpec Spec(Config c) =>
        new(c.Name, ModelFamily.MobileNetV3, Paper.Peer, new InputShape(3, 224, 224), 1000, o => Build(c, o));

    public static Classifier Build(Config config, ModelOptions options)
    {
        long Scale(int c) => Channels.MakeDivisible(c * config.WidthMultiplier);
        long channels = Scale(16);
        var stem = new StagePart(
            new ConvNormAct(options.InChannels, channels, 3, 2, activation: ActivationKind.HardSwish),
            channels,
            2
        );
        var stages = new List<StagePart>();
        int unscaledIn = 16;
        foreach (var rows in StageRows.SplitAtStrides(config.Rows, r => r.Stride))
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            foreach (var row in rows)
            {
                long expanded = config.TimmScaling
                    ? Channels.MakeDivisible(channels * (double)row.Expanded / unscaledIn)
                    : Scale(row.Expanded);
                long output = Scale(row.Out);
                unscaledIn = row.Out;
                long? se = row.SE ? Channels.MakeDivisible(expanded / 4) : null;
                blocks.Add(
                    (
                        $"{blocks.Count}",
                        new InvertedResidual(
                            channels,
                            expanded,
                            output,
                            row.Kernel,
                            row.Stride,
                            row.HardSwish ? ActivationKind.HardSwish : ActivationKind.ReLU,
                            se
                        )
                    )
                );
                channels = output;
            }
            stages.Add(new StagePart(nn.Sequential(blocks), channels, rows[0].Stride));
        }
        long lastConv = 6 * channels;
        stages.Add(
            new StagePart(new ConvNormAct(channels, lastConv, 1, activation: ActivationKind.HardSwish), lastConv, 1)
        );
        long hidden = config.TimmScaling
            ? config.LastChannels
            : Channels.MakeDivisible(config.LastChannels * config.WidthMultiplier);
        var preLogits = config.TimmScaling
            ? nn.Sequential(
                ("conv", nn.Conv2d(lastConv, hidden, 1, bias: true)),
                ("act", Activation.Create(ActivationKind.HardSwish))
            )
            : nn.Sequential(
                ("flatten", nn.Flatten()),
                ("fc", nn.Linear(lastConv, hidden)),
                ("act", Activation.Create(ActivationKind.HardSwish))
            );
        var head = new ClassifierHead(lastConv, options.NumClasses, dropout: 0.2, preLogits: (preLogits, hidden));
        var model = new Classifier(config.Name, stem, stages, head);
        // torchvision normalises with eps 0.001 (the TensorFlow reference's value), so its weights give its
        // outputs only with that eps; timm's port keeps PyTorch's 1e-5.
        if (!config.TimmScaling)
        {
            foreach (var bn in model.modules().OfType<BatchNorm>())
                bn.eps = 1e-3;
        }
        return model;
    }
}
