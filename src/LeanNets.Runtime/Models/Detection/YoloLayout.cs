namespace LeanNets.Models.Detection;

/// <summary>
/// YOLO-V3's output layout, which the network, its loss and every decoder (managed, tensor or ONNX graph) share:
/// three scales at strides 32, 16 and 8, an equal share of the anchors on each, and square inputs that the
/// coarsest stride divides.
/// </summary>
public static class YoloLayout
{
    /// <summary>yolov3.cfg's anchors (COCO k-means), smallest first; each scale takes three.</summary>
    public static readonly IReadOnlyList<Anchor> DefaultAnchors =
    [
        new(10, 13), new(16, 30), new(33, 23),
        new(30, 61), new(62, 45), new(59, 119),
        new(116, 90), new(156, 198), new(373, 326),
    ];

    /// <summary>The scales' strides, in the order the model emits them.</summary>
    public static readonly IReadOnlyList<int> Strides = [32, 16, 8];

    /// <summary>The anchors of scale <paramref name="scale"/> (0: stride 32, the largest anchors).</summary>
    public static IReadOnlyList<Anchor> ScaleAnchors(IReadOnlyList<Anchor> anchors, int scale)
    {
        int perScale = anchors.Count / Strides.Count;
        return anchors.Skip((Strides.Count - 1 - scale) * perScale).Take(perScale).ToList();
    }

    /// <summary>Detector inputs are square, a multiple of the coarsest stride (32), at most 4096.</summary>
    public static void RequireInputSize(int side)
    {
        if (!(side is >= 32 and <= 4096 && side % 32 == 0))
            throw new LeanNetsUsageException($"input size must be a multiple of 32 in 32..4096, got {side}");
    }
}
