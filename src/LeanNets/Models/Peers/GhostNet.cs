using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>GhostNet (Han et al. 2020) as timm builds ghostnet_100; its last 1x1 conv is a stage of its own.</summary>
public static class GhostNet
{
    /// <summary>kernel, expanded width, output width, SE ratio, stride.</summary>
    public sealed record Row(int Kernel, int Expanded, int Out, double SE, int Stride);

    public sealed record Config(string Name, double Width);

    public static readonly IReadOnlyList<IReadOnlyList<Row>> Stages =
    [
        [new(3, 16, 16, 0, 1)],
        [new(3, 48, 24, 0, 2)],
        [new(3, 72, 24, 0, 1)],
        [new(5, 72, 40, 0.25, 2)],
        [new(5, 120, 40, 0.25, 1)],
        [new(3, 240, 80, 0, 2)],
        [
            new(3, 200, 80, 0, 1),
            new(3, 184, 80, 0, 1),
            new(3, 184, 80, 0, 1),
            new(3, 480, 112, 0.25, 1),
            new(3, 672, 112, 0.25, 1),
        ],
        [new(5, 672, 160, 0.25, 2)],
        [new(5, 960, 160, 0, 1), new(5, 960, 160, 0.25, 1), new(5, 960, 160, 0, 1), new(5, 960, 160, 0.25, 1)],
    ];

    public static IEnumerable<ModelSpec> Specs()
    {
        var config = new Config("ghostnet_100", 1.0);
        yield return new ModelSpec(
            config.Name,
            ModelFamily.GhostNet,
            Paper.Peer,
            new InputShape(3, 224, 224),
            1000,
            o => Build(config, o)
        );
    }

    public static Classifier Build(Config config, ModelOptions options)
    {
        long Scale(double c) => Channels.MakeDivisible(c * config.Width, 4);
        long channels = Scale(16);
        var stem = new StagePart(new ConvNormAct(options.InChannels, channels, 3, 2), channels, 2);
        var stages = new List<StagePart>();
        foreach (var rows in Stages)
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            foreach (var row in rows)
            {
                long output = Scale(row.Out);
                blocks.Add(
                    (
                        $"{blocks.Count}",
                        new GhostBottleneck(channels, Scale(row.Expanded), output, row.Kernel, row.Stride, row.SE)
                    )
                );
                channels = output;
            }
            stages.Add(new StagePart(nn.Sequential(blocks), channels, rows[0].Stride));
        }
        long last = Scale(960);
        stages.Add(new StagePart(new ConvNormAct(channels, last, 1), last, 1));
        var preLogits = nn.Sequential(
            ("conv", nn.Conv2d(last, 1280, 1, bias: true)),
            ("act", Activation.Create(ActivationKind.ReLU))
        );
        var head = new ClassifierHead(last, options.NumClasses, dropout: 0.2, preLogits: (preLogits, 1280));
        return new Classifier(config.Name, stem, stages, head);
    }
}
