using LeanNets.Models.DualConvPaper;
using LeanNets.Models.Peers;
using LeanNets.Models.VGNetPaper;

namespace LeanNets.Models;

/// <summary>The families the registry knows, in listing order.</summary>
internal static class ModelFamilies
{
    public static IEnumerable<ModelSpec> All() =>
        VGNet
            .Specs()
            .Concat(ResNet.Specs())
            .Concat(MobileNetV2.Specs())
            .Concat(MobileNetV1.Specs())
            .Concat(Vgg.Specs())
            .Concat(MobileNetV3.Specs())
            .Concat(ShuffleNetV2.Specs())
            .Concat(GhostNet.Specs())
            .Concat(RegNet.Specs())
            .Concat(Detection.Darknet.Specs());
}
