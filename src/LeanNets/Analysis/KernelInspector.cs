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
        foreach (var (name, module) in DepthFirst(model, ""))
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

    /// <summary>Modules in the order the forward pass meets them in a chain of blocks: each module before its
    /// children, children in registration order (TorchSharp's named_modules lists a nested Sequential's
    /// children after their parent's siblings, which put a padded strided conv after the conv behind it).
    /// </summary>
    private static IEnumerable<(string Name, nn.Module Module)> DepthFirst(nn.Module module, string name)
    {
        yield return (name, module);
        foreach (var (child, sub) in module.named_children())
        {
            foreach (var found in DepthFirst(sub, name.Length == 0 ? child : $"{name}.{child}"))
                yield return found;
        }
    }
}
