using LeanNets.Layers;
using LeanNets.Models.VGNetPaper;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Analysis;

/// <summary>One layer's spatial kernels, learned or fixed; depthwise when each channel has its own kernel.</summary>
public sealed record KernelLayer(string Name, string Kind, Tensor Weight, bool Learned, bool Depthwise);

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
                    bool depthwise = conv.groups == conv.in_channels && conv.groups > 1;
                    string kind = depthwise ? "depthwise (learned)" : $"conv (learned, groups {conv.groups})";
                    result.Add(new KernelLayer(name, kind, w, w.requires_grad, depthwise));
                    break;
                case FixedDepthwiseConv fixedConv:
                    result.Add(
                        new KernelLayer(name, $"fixed ({fixedConv.Kernels})", fixedConv.Weight, false, true)
                    );
                    break;
            }
        }
        return result;
    }
}
