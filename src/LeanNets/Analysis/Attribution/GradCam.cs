using LeanNets.Models;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Analysis.Attribution;

/// <summary>A class activation map: (H, W) in [0, 1] at the input's resolution, for one class.</summary>
public sealed record ClassMap(Tensor Heatmap, int TargetClass, float Score) : IDisposable
{
    public void Dispose() => Heatmap.Dispose();
}

/// <summary>How a class activation map weights a stage's channels.</summary>
public enum CamMethod
{
    /// <summary>The gradient averaged over space (Selvaraju et al. 2017).</summary>
    GradCam,

    /// <summary>Positive gradients weighted per position by second- and third-order terms (Chattopadhay et al.
    /// 2018), which spreads the map over several instances of a class instead of the strongest one.</summary>
    GradCamPlusPlus,
}

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017) on any model through its stages: the gradient of the class score with
/// respect to a stage's output, averaged over space, weights that output's channels; the weighted sum, ReLU'd,
/// upsampled bilinearly to the input and divided by its maximum.
/// </summary>
public static class GradCam
{
    /// <param name="image">one image, (1, C, H, W), preprocessed as the model expects.</param>
    /// <param name="targetClass">the class to explain; null for the top prediction.</param>
    /// <param name="stage">the stage whose output is weighted (negative from the end; default the last).</param>
    public static ClassMap Compute(
        Classifier model,
        Tensor image,
        int? targetClass = null,
        int stage = -1,
        CamMethod method = CamMethod.GradCam
    )
    {
        RequireSingleImage(image);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            int k = model.ResolveStages([stage]).Single();
            Tensor activations;
            using (no_grad()) activations = model.ForwardIntermediates(image, [k])[0];
            var leaf = activations.detach().requires_grad_(true);
            var logits = model.ForwardFromStage(leaf, k);
            int target = ResolveTarget(logits, targetClass);
            var score = logits[0, target];
            var gradient = autograd.grad([score], [leaf])[0];
            using var noGrad = no_grad();
            var weights = method == CamMethod.GradCam
                ? gradient.mean([2, 3], keepdim: true)
                : PlusPlusWeights(leaf, gradient);
            var cam = nn.functional.relu((weights * leaf).sum(1, keepdim: true));
            cam = nn.functional.interpolate(cam, [image.shape[2], image.shape[3]], mode: InterpolationMode.Bilinear,
                align_corners: false)[0, 0];
            float max = cam.max().item<float>();
            if (max > 0)
            {
                using var peak = max.ToScalar();
                cam = cam.div(peak);
            }
            return new ClassMap(cam.MoveToOuterDisposeScope(), target, score.item<float>());
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Grad-CAM++'s channel weights for a score taken through an exponential (the paper's closed form):
    /// alpha = g^2 / (2 g^2 + sum(A) g^3) per position, weight = sum of alpha * relu(g).</summary>
    private static Tensor PlusPlusWeights(Tensor activations, Tensor gradient)
    {
        using var three = 3.ToScalar();
        var g2 = gradient.pow(OwnedScalars.Two);
        var denominator = g2.mul(OwnedScalars.Two).Plus(activations.sum([2, 3], keepdim: true) * gradient.pow(three));
        var safe = denominator.where(denominator.ne(OwnedScalars.Zero), ones_like(denominator));
        var alpha = where(gradient.ne(OwnedScalars.Zero), g2 / safe, zeros_like(g2));
        return (alpha * nn.functional.relu(gradient)).sum([2, 3], keepdim: true);
    }

    internal static void RequireSingleImage(Tensor image)
    {
        if (image.dim() != 4 || image.shape[0] != 1)
        {
            throw new LeanNetsUsageException(
                $"attribution takes one image (1, C, H, W), got ({string.Join(", ", image.shape)})");
        }
    }

    internal static int ResolveTarget(Tensor logits, int? targetClass)
    {
        long classes = logits.shape[1];
        if (targetClass is int c && (c < 0 || c >= classes))
            throw new LeanNetsUsageException($"target class {c} is out of range 0..{classes - 1}");
        return targetClass ?? (int)logits[0].argmax().item<long>();
    }
}
