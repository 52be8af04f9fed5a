using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>ShuffleNetV2 (Ma et al. 2018) as torchvision builds it: stem (conv + max-pool), three stages,
/// conv5.</summary>
public static class ShuffleNetV2
{
    /// <param name="Widths">stem, three stage widths, final 1x1 conv width.</param>
    public sealed record Config(string Name, int[] Widths);

    private static readonly int[] Repeats = [4, 8, 4];

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("shufflenetv2_x0_5", [24, 48, 96, 192, 1024]));
        yield return Spec(new Config("shufflenetv2_x1_0", [24, 116, 232, 464, 1024]));
        yield return Spec(new Config("shufflenetv2_x1_5", [24, 176, 352, 704, 1024]));
        yield return Spec(new Config("shufflenetv2_x2_0", [24, 244, 488, 976, 2048]));
    }

    private static ModelSpec Spec(Config c) =>
        new(c.Name, ModelFamily.ShuffleNetV2, Paper.Peer, new InputShape(3, 224, 224), 1000, o => Build(c, o));

    public static Classifier Build(Config config, ModelOptions options)
    {
        var w = config.Widths;
        var stem = nn.Sequential(
            ("conv", new ConvNormAct(options.InChannels, w[0], 3, 2)),
            ("maxpool", nn.MaxPool2d(3, 2, 1))
        );
        long channels = w[0];
        var stages = new List<StagePart>();
        for (int s = 0; s < Repeats.Length; s++)
        {
            var units = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i < Repeats[s]; i++)
                units.Add(($"{i}", new ShuffleBlock(i == 0 ? channels : w[s + 1], w[s + 1], i == 0 ? 2 : 1)));
            stages.Add(new StagePart(nn.Sequential(units), w[s + 1], 2));
            channels = w[s + 1];
        }
        stages.Add(new StagePart(new ConvNormAct(channels, w[4], 1), w[4], 1));
        return new Classifier(
            config.Name,
            new StagePart(stem, w[0], 4),
            stages,
            new ClassifierHead(w[4], options.NumClasses)
        );
    }
}
