using static TorchSharp.torch;

namespace LeanNets.Inference.Detection;

/// <summary>
/// Class-wise non-maximum suppression with torchvision's <c>batched_nms</c> semantics: boxes of different
/// classes never suppress each other (each class is shifted by more than the largest coordinate, so they cannot
/// overlap), and within a class a box is dropped when its IoU with a higher-scoring kept box exceeds the
/// threshold. The IoUs are computed as one tensor; the greedy pass reads them once.
/// </summary>
public static class NonMaxSuppression
{
    /// <param name="boxes">[N, 4] x1, y1, x2, y2.</param>
    /// <returns>indices of the kept boxes, highest score first.</returns>
    public static long[] Apply(Tensor boxes, Tensor scores, Tensor classes, double iouThreshold)
    {
        long n = boxes.shape[0];
        if (n == 0)
            return [];
        using var scope = NewDisposeScope();
        var offsets = classes.to(boxes.dtype) * (boxes.max() + 1);
        var shifted = boxes + offsets.unsqueeze(1);
        var order = scores.argsort(descending: true);
        var sorted = shifted.index_select(0, order);
        var iou = PairwiseIou(sorted).data<float>().ToArray();
        var orderIndex = order.data<long>().ToArray();
        var suppressed = new bool[n];
        var keep = new List<long>();
        for (long i = 0; i < n; i++)
        {
            if (suppressed[i])
                continue;
            keep.Add(orderIndex[i]);
            for (long j = i + 1; j < n; j++)
            {
                if (!suppressed[j] && iou[i * n + j] > iouThreshold)
                    suppressed[j] = true;
            }
        }
        return [.. keep];
    }

    /// <summary>[N, N] IoU of every pair of [N, 4] boxes.</summary>
    public static Tensor PairwiseIou(Tensor boxes) => Iou(boxes, boxes);

    /// <summary>[N, M] IoU of every box of [N, 4] <paramref name="a"/> with every box of [M, 4]
    /// <paramref name="b"/>.</summary>
    public static Tensor Iou(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var areaA = (a[.., 2] - a[.., 0]).clamp_min(0) * (a[.., 3] - a[.., 1]).clamp_min(0);
        var areaB = (b[.., 2] - b[.., 0]).clamp_min(0) * (b[.., 3] - b[.., 1]).clamp_min(0);
        var topLeft = maximum(a[.., TensorIndex.None, ..2], b[TensorIndex.None, .., ..2]);
        var bottomRight = minimum(a[.., TensorIndex.None, 2..], b[TensorIndex.None, .., 2..]);
        var size = (bottomRight - topLeft).clamp_min(0);
        var intersection = size[.., .., 0] * size[.., .., 1];
        var union = areaA.unsqueeze(1) + areaB.unsqueeze(0) - intersection;
        return (intersection / union.clamp_min(1e-12)).MoveToOuterDisposeScope();
    }
}
