using LeanNets.Layers;
using LeanNets.Models.VGNetPaper;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Analysis;

/// <summary>One layer's spatial kernels, learned or fixed.</summary>
public sealed record KernelLayer(string Name, string Kind, Tensor Weight);

/// <summary>Finds the spatial (k >= 3) kernels of a model: learned convolutions and VGNet's fixed filters.</summary>
public static class KernelInspector
{
    public static IReadOnlyList<KernelLayer> SpatialKernels(nn.Module model)
    {
        var result = new List<KernelLayer>();
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv when conv.kernel_size[0] >= 3 && conv.weight is { } w:
                    result.Add(
                        new KernelLayer(
                            name,
                            conv.groups == conv.in_channels && conv.groups > 1
                                ? "depthwise (learned)"
                                : $"conv (learned, groups {conv.groups})",
                            w
                        )
                    );
                    break;
                case FixedDepthwiseConv fixedConv:
                    result.Add(new KernelLayer(name, $"fixed ({fixedConv.Kernels})", fixedConv.Weight));
                    break;
            }
        }
        return result;
    }
}
