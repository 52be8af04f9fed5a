using LeanNets.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Measures;

/// <summary>
/// Counts parameters and MACs the way fvcore does for conv and linear layers: by running one image
/// through the model with forward hooks on every leaf module and reading the shapes they produce.
/// </summary>
public static class ModelProfiler
{
    public static ModelProfile Profile(nn.Module<Tensor, Tensor> model, long[] inputShape, string? name = null)
    {
        if (inputShape.Length != 4 || inputShape[0] != 1)
            throw new ArgumentException("profile input must be [1, C, H, W]", nameof(inputShape));
        var layers = new List<LayerProfile>();
        var removers = new List<Action>();
        foreach (var (path, module) in Leaves(model))
        {
            if (module is not nn.Module<Tensor, Tensor> leaf)
                continue;
            string type = module.GetType().Name;
            long ownParams = module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
            var handle = leaf.register_forward_hook(
                (m, input, output) =>
                {
                    long[] outShape = output.shape;
                    layers.Add(new LayerProfile(path, type, outShape, ownParams, LeafMacs(m, input.shape, outShape)));
                    return output;
                }
            );
            removers.Add(() => handle.remove());
        }

        bool wasTraining = model.training;
        try
        {
            model.eval();
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            using var input = zeros(inputShape);
            using var output = model.call(input);
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            // The first forward of every command (the resource guard probes with it): a model that cannot take
            // the input (too small for its downsampling, wrong channels) is named here, with the shape.
            string message = e.Message.Split('\n')[0].Trim();
            throw new LeanNetsException(
                $"{name ?? model.GetName()} cannot run on a {string.Join('x', inputShape.Skip(1))} input "
                    + $"(libtorch: {message}); give a larger --input-size or the channels the model takes", e);
        }
        finally
        {
            foreach (var remove in removers)
                remove();
            model.train(wasTraining);
        }

        long learnable = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        long fixedValues =
            model.parameters().Where(p => !p.requires_grad).Sum(p => p.numel())
            + model
                .named_buffers()
                .Where(b => !IsNormStatistic(b.name))
                .Sum(b => b.buffer.is_floating_point() ? b.buffer.numel() : 0);
        return new ModelProfile(
            name ?? model.GetName(),
            inputShape,
            learnable,
            fixedValues,
            layers.Sum(l => l.Macs),
            layers
        );
    }

    /// <summary>Learnable parameters (requires_grad), as fvcore and the papers count them.</summary>
    public static long CountParams(nn.Module model) =>
        model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    private static bool IsNormStatistic(string name) =>
        name.EndsWith("running_mean", StringComparison.Ordinal)
        || name.EndsWith("running_var", StringComparison.Ordinal)
        || name.EndsWith("num_batches_tracked", StringComparison.Ordinal);

    /// <summary>Modules without children, plus self-counting modules (whose children are not visited).</summary>
    private static IEnumerable<(string Path, nn.Module Module)> Leaves(nn.Module root)
    {
        var stack = new Stack<(string, nn.Module)>();
        stack.Push(("", root));
        while (stack.Count > 0)
        {
            var (path, module) = stack.Pop();
            var children = module.named_children().ToList();
            if (children.Count == 0 || module is IMacCountable)
            {
                yield return (path.Length == 0 ? module.GetName() : path, module);
                continue;
            }
            for (int i = children.Count - 1; i >= 0; i--)
                stack.Push((path.Length == 0 ? children[i].name : path + "." + children[i].name, children[i].module));
        }
    }

    private static long LeafMacs(nn.Module module, long[] inputShape, long[] outputShape)
    {
        long outputElements = outputShape.Skip(1).Aggregate(1L, (a, b) => a * b);
        return module switch
        {
            IMacCountable custom => custom.CountMacs(inputShape, outputShape),
            Conv2d conv => outputElements
                * (conv.in_channels / conv.groups)
                * conv.kernel_size.Aggregate(1L, (a, b) => a * b),
            Linear linear => outputElements * linear.in_features,
            _ => 0,
        };
    }
}
