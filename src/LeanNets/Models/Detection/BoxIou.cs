using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Detection;

/// <summary>Box overlap on tensors, for the loss (the managed form, for decoding, is <see cref="BoundingBox.Iou"/>
/// and <see cref="NonMaxSuppression"/>).</summary>
public static class BoxIou
{
    /// <summary>[N, M] IoU of every box of [N, 4] <paramref name="a"/> with every box of [M, 4]
    /// <paramref name="b"/> (x1, y1, x2, y2): the loss's tensor form of <see cref="BoundingBox.Iou"/>.</summary>
    public static Tensor Pairwise(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        // Runs in every detection training step: owned scalars only (see OwnedScalars).
        using var tiny = 1e-12.ToScalar();
        var zero = OwnedScalars.Zero;
        var areaA = Side(a, 2, 0).clamp_min(zero).mul(Side(a, 3, 1).clamp_min(zero));
        var areaB = Side(b, 2, 0).clamp_min(zero).mul(Side(b, 3, 1).clamp_min(zero));
        var topLeft = maximum(a[.., TensorIndex.None, ..2], b[TensorIndex.None, .., ..2]);
        var bottomRight = minimum(a[.., TensorIndex.None, 2..], b[TensorIndex.None, .., 2..]);
        var size = bottomRight.sub(topLeft).clamp_min(zero);
        var intersection = size[.., .., 0].mul(size[.., .., 1]);
        var union = areaA.unsqueeze(1).Plus(areaB.unsqueeze(0)).sub(intersection);
        return intersection.div(union.clamp_min(tiny)).MoveToOuterDisposeScope();
    }

    private static Tensor Side(Tensor boxes, int high, int low) =>
        boxes[.., high].sub(boxes[.., low]);
}
