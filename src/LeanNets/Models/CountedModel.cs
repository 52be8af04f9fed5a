using LeanNets.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>Any model LeanNets counts by name (`info`, the paper tables): a registry classifier or a
/// detector.</summary>
public sealed record CountedModel(string Name, string Family, string Paper, InputShape DefaultInput)
{
    public static CountedModel Get(string name)
    {
        if (DetectorRegistry.Contains(name))
        {
            var detector = DetectorRegistry.Get(name);
            return new CountedModel(name, "yolov3", Models.Paper.DualConv.Id(), detector.DefaultInput);
        }
        var spec = ModelRegistry.Get(name);
        return new CountedModel(name, spec.Family.Id(), spec.Paper.Id(), spec.DefaultInput);
    }

    public nn.Module<Tensor, Tensor> Create(int? numClasses = null, int? inChannels = null) =>
        DetectorRegistry.Contains(Name)
            ? DetectorRegistry.Get(Name).Create(numClasses, inChannels)
            : ModelRegistry.Create(Name, numClasses, inChannels);
}
