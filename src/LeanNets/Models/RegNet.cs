using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>RegNetX/Y (Radosavovic et al. 2020) from the pycls configurations' stage depths and widths.</summary>
public static class RegNet
{
    public sealed record Config(string Name, int[] Depths, int[] Widths, int GroupWidth, double SERatio, string PaperName);

    public static IEnumerable<ModelSpec> Specs()
    {
        yield return Spec(new Config("regnetx_004", [1, 2, 7, 12], [32, 64, 160, 384], 16, 0, "RegNetX-400MF"));
        yield return Spec(new Config("regnety_004", [1, 3, 6, 6], [48, 104, 208, 440], 8, 0.25, "RegNetY-400MF"));
    }

    private static ModelSpec Spec(Config c) => new(c.Name, "regnet", "peer", new InputShape(3, 224, 224), 1000, o => Build(c, o), c.PaperName);

    public static Classifier Build(Config config, ModelOptions options)
    {
        long channels = 32;
        var features = new List<(string, nn.Module<Tensor, Tensor>)> { ("stem", new ConvNormAct(options.InChannels, channels, 3, 2)) };
        for (int s = 0; s < config.Depths.Length; s++)
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i < config.Depths[s]; i++)
            {
                blocks.Add(($"{i}", new RegNetBlock(channels, config.Widths[s], i == 0 ? 2 : 1, config.GroupWidth, config.SERatio)));
                channels = config.Widths[s];
            }
            features.Add(($"s{s + 1}", nn.Sequential(blocks)));
        }
        return WeightInit.Apply(new Classifier(config.Name, nn.Sequential(features), ClassifierHead.PoolLinear(channels, options.NumClasses)));
    }
}
