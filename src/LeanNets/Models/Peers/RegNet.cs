using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>RegNetX/Y (Radosavovic et al. 2020) from the pycls configurations' stage depths and widths.</summary>
public static class RegNet
{
    public sealed record Config(string Name, int[] Depths, int[] Widths, int GroupWidth, double SERatio);

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("regnetx_004", [1, 2, 7, 12], [32, 64, 160, 384], 16, 0));
        yield return Spec(new Config("regnety_004", [1, 3, 6, 6], [48, 104, 208, 440], 8, 0.25));
    }

    private static ModelSpec Spec(Config c) =>
        new(c.Name, ModelFamily.RegNet, Paper.Peer, new InputShape(3, 224, 224), 1000, o => Build(c, o));

    public static Classifier Build(Config config, ModelOptions options)
    {
        long channels = 32;
        var stem = new StagePart(new ConvNormAct(options.InChannels, channels, 3, 2), channels, 2);
        var stages = new List<StagePart>();
        for (int s = 0; s < config.Depths.Length; s++)
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i < config.Depths[s]; i++)
            {
                blocks.Add(
                    (
                        $"{i}",
                        new RegNetBlock(channels, config.Widths[s], i == 0 ? 2 : 1, config.GroupWidth, config.SERatio)
                    )
                );
                channels = config.Widths[s];
            }
            stages.Add(new StagePart(nn.Sequential(blocks), channels, 2));
        }
        return new Classifier(config.Name, stem, stages, new ClassifierHead(channels, options.NumClasses));
    }
}
