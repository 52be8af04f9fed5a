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
}
