using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Detection;

/// <summary>
/// Class-wise non-maximum suppression with torchvision's <c>batched_nms</c> semantics: boxes of different
/// classes never suppress each other, and within a class a box is dropped when its IoU with a higher-scoring kept
/// box exceeds the threshold. Managed code on plain arrays, so decoding runs without libtorch (an ONNX detector
/// in a deployed app); the candidates are bounded by the decoder, so the quadratic pass stays small.
/// </summary>
public static class NonMaxSuppression
{
    /// <returns>indices of the kept boxes, highest score first (ties keep the lower index first).</returns>
    public static int[] Apply(
        IReadOnlyList<BoundingBox> boxes,
        IReadOnlyList<float> scores,
        IReadOnlyList<int> classes,
        double iouThreshold
    )
    {
        int n = boxes.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var suppressed = new bool[n];
        var keep = new List<int>();
        for (int a = 0; a < n; a++)
        {
            if (suppressed[a])
                continue;
            int i = order[a];
            keep.Add(i);
            for (int b = a + 1; b < n; b++)
            {
                int j = order[b];
                if (!suppressed[b] && classes[j] == classes[i] && boxes[i].Iou(boxes[j]) > iouThreshold)
                    suppressed[b] = true;
            }
        }
        return [.. keep];
    }

    /// <summary>[N, M] IoU of every box of [N, 4] <paramref name="a"/> with every box of [M, 4]
    /// <paramref name="b"/> (x1, y1, x2, y2): the loss's tensor form of <see cref="BoundingBox.Iou"/>.</summary>
    public static Tensor Iou(Tensor a, Tensor b)
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
