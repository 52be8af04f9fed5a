using LeanNets.Models;
using LeanNets.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Analysis.Attribution;

/// <summary>
/// Guided backpropagation (Springenberg et al. 2015): the gradient of a class score with respect to the input,
/// where every ReLU-family activation passes back only positive gradients, and only where its input was
/// positive. It is applied by forward hooks on the activation modules (ReLU, ReLU6, LeakyReLU, PReLU), so no
/// model code changes; the hooks are removed when the call returns.
/// </summary>
public static class GuidedBackprop
{
    /// <summary>The guided gradient, (C, H, W), for <paramref name="targetClass"/> (null: the top
    /// prediction).</summary>
    public static (Tensor Gradient, int TargetClass) Compute(Classifier model, Tensor image, int? targetClass = null)
    {
        GradCam.RequireSingleImage(image);
        bool wasTraining = model.training;
        model.eval();
        var removers = new List<Action>();
        try
        {
            foreach (var module in model.modules())
            {
                if (module is ReLU or ReLU6 or LeakyReLU or Layers.LeakyRelu or PReLU
                    && module is nn.Module<Tensor, Tensor> activation)
                {
                    var handle = activation.register_forward_hook((_, _, output) => GuidedGate.apply(output));
                    removers.Add(() => handle.remove());
                }
            }
            using var scope = NewDisposeScope();
            var input = image.detach().clone().requires_grad_(true);
            var logits = model.call(input);
            int target = GradCam.ResolveTarget(logits, targetClass);
            var gradient = autograd.grad([logits[0, target]], [input])[0][0];
            return (gradient.detach().MoveToOuterDisposeScope(), target);
        }
        finally
        {
            foreach (var remove in removers) remove();
            model.train(wasTraining);
        }
    }

    /// <summary>Guided Grad-CAM: the guided gradient times the Grad-CAM heatmap, (C, H, W).</summary>
    public static Tensor GuidedGradCam(Classifier model, Tensor image, int? targetClass = null, int stage = -1)
    {
        var (gradient, target) = Compute(model, image, targetClass);
        using (gradient)
        using (var cam = GradCam.Compute(model, image, target, stage))
            return gradient * cam.Heatmap;
    }

    /// <summary>Identity forward; backward keeps positive gradients where the activation's output is
    /// positive.</summary>
    private sealed class GuidedGate : autograd.SingleTensorFunction<GuidedGate>
    {
        public override string Name => "LeanNetsGuidedGate";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var output = (Tensor)vars[0];
            ctx.save_for_backward([output.gt(OwnedScalars.Zero)]);
            return output.clone();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            var positive = ctx.get_saved_variables()[0];
            using var kept = gradient.clamp_min(Runtime.OwnedScalars.Zero);
            return [kept * positive];
        }
    }
}
