using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>Heads shared by the families: pool, flatten, optional dropout and linear layers.</summary>
public static class ClassifierHead
{
    /// <summary>Global average pool then one linear layer (with optional dropout before it).</summary>
    public static nn.Module<Tensor, Tensor> PoolLinear(long channels, long numClasses, double dropout = 0)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
        };
        if (dropout > 0) layers.Add(("dropout", nn.Dropout(dropout)));
        layers.Add(("fc", nn.Linear(channels, numClasses)));
        return nn.Sequential(layers);
    }

    /// <summary>Global pool, a 1x1 conv "pre-logits" layer with activation (MobileNetV3, GhostNet), then linear.</summary>
    public static nn.Module<Tensor, Tensor> PoolConvLinear(long channels, long hidden, long numClasses, ActivationKind activation, double dropout, bool linearHidden)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("pool", nn.AdaptiveAvgPool2d(1)) };
        if (linearHidden)
        {
            layers.Add(("flatten", nn.Flatten()));
            layers.Add(("pre_logits", nn.Linear(channels, hidden)));
            layers.Add(("act", Activation.Create(activation)));
        }
        else
        {
            layers.Add(("pre_logits", nn.Conv2d(channels, hidden, 1, bias: true)));
            layers.Add(("act", Activation.Create(activation)));
            layers.Add(("flatten", nn.Flatten()));
        }
        if (dropout > 0) layers.Add(("dropout", nn.Dropout(dropout)));
        layers.Add(("fc", nn.Linear(hidden, numClasses)));
        return nn.Sequential(layers);
    }
}
