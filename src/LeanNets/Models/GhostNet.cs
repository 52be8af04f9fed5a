using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>GhostNet (Han et al. 2020) as timm builds ghostnet_100.</summary>
public static class GhostNet
{
    /// <summary>kernel, expanded width, output width, SE ratio, stride.</summary>
    public sealed record Row(int Kernel, int Expanded, int Out, double SE, int Stride);

    public sealed record Config(string Name, double Width, string PaperName);

    public static readonly IReadOnlyList<IReadOnlyList<Row>> Stages =
    [
        [new(3, 16, 16, 0, 1)],
        [new(3, 48, 24, 0, 2)],
        [new(3, 72, 24, 0, 1)],
        [new(5, 72, 40, 0.25, 2)],
        [new(5, 120, 40, 0.25, 1)],
        [new(3, 240, 80, 0, 2)],
        [new(3, 200, 80, 0, 1), new(3, 184, 80, 0, 1), new(3, 184, 80, 0, 1), new(3, 480, 112, 0.25, 1), new(3, 672, 112, 0.25, 1)],
        [new(5, 672, 160, 0.25, 2)],
        [new(5, 960, 160, 0, 1), new(5, 960, 160, 0.25, 1), new(5, 960, 160, 0, 1), new(5, 960, 160, 0.25, 1)],
    ];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return new ModelSpec("ghostnet_100", "ghostnet", "peer", new InputShape(3, 224, 224), 1000,
            o => Build(new Config("ghostnet_100", 1.0, "GhostNet"), o), "GhostNet");
    }

    public static Classifier Build(Config config, ModelOptions options)
    {
        long Scale(double c) => Channels.MakeDivisible(c * config.Width, 4);
        long channels = Scale(16);
        var features = new List<(string, nn.Module<Tensor, Tensor>)> { ("stem", new ConvNormAct(options.InChannels, channels, 3, 2)) };
        for (int s = 0; s < Stages.Count; s++)
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            foreach (var row in Stages[s])
            {
                long output = Scale(row.Out);
                blocks.Add(($"{blocks.Count}", new GhostBottleneck(channels, Scale(row.Expanded), output, row.Kernel, row.Stride, row.SE)));
                channels = output;
            }
            features.Add(($"stage{s + 1}", nn.Sequential(blocks)));
        }
        long last = Scale(960);
        features.Add(("last", new ConvNormAct(channels, last, 1)));
        var head = ClassifierHead.PoolConvLinear(last, 1280, options.NumClasses, ActivationKind.ReLU, 0.2, linearHidden: false);
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), head));
    }
}
