using LeanNets.Analysis.Detection;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Inference.Detection;

/// <summary>Turns YOLO-V3's raw output into boxes: sigmoid offsets within the cell, anchor-scaled exponential
/// sizes, objectness times class probability as the score, a confidence threshold, then class-wise NMS.</summary>
public sealed class YoloDecoder(IReadOnlyList<Anchor> anchors, int numClasses)
{
    public float ConfidenceThreshold { get; init; } = 0.25f;
    public double IouThreshold { get; init; } = 0.45;
    public int MaxDetections { get; init; } = 100;

    /// <summary>Candidates kept for NMS per image (the highest scores), bounding its quadratic cost.</summary>
    public int MaxCandidates { get; init; } = 3000;

    public static YoloDecoder For(YoloV3 model) => new(model.Anchors, model.NumClasses);

    /// <summary>Boxes in input pixels for each image of a [N, predictions, 5 + classes] output.</summary>
    public IReadOnlyList<IReadOnlyList<DetectedObject>> Decode(Tensor raw, int inputSize, IReadOnlyList<string> images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var corners = Boxes(raw, inputSize);
        var scores = raw[.., .., 4..5].sigmoid() * raw[.., .., 5..].sigmoid();
        var result = new List<IReadOnlyList<DetectedObject>>();
        for (int n = 0; n < raw.shape[0]; n++)
            result.Add(Select(corners[n], scores[n], images[n]));
        return result;
    }

    /// <summary>Every prediction's box [N, predictions, 4] (x1, y1, x2, y2 in input pixels, clipped to the
    /// input).</summary>
    public Tensor Boxes(Tensor raw, int inputSize)
    {
        using var scope = NewDisposeScope();
        var (grid, anchorSize, stride) = Layout(inputSize);
        if (raw.shape[1] != grid.shape[0] || raw.shape[2] != 5 + numClasses)
            throw new LeanNetsException(
                $"a {inputSize}x{inputSize} YOLO output has {grid.shape[0]}x{5 + numClasses} values per image, got "
                + $"{raw.shape[1]}x{raw.shape[2]}"
            );
        var centre = (raw[.., .., ..2].sigmoid() + grid) * stride;
        var size = raw[.., .., 2..4].exp() * anchorSize;
        return cat([centre - size / 2, centre + size / 2], -1).clamp(0, inputSize).MoveToOuterDisposeScope();
    }

    private List<DetectedObject> Select(Tensor corners, Tensor scores, string image)
    {
        // A box clipped to nothing (all of it outside the input) is no detection, whatever its score.
        var visible = (corners[.., 2] > corners[.., 0]) & (corners[.., 3] > corners[.., 1]);
        var candidates = ((scores > ConfidenceThreshold) & visible.unsqueeze(1)).nonzero();
        if (candidates.shape[0] == 0)
            return [];
        if (candidates.shape[0] > MaxCandidates)
        {
            var best = scores[candidates[.., 0], candidates[.., 1]].topk(MaxCandidates).indexes;
            candidates = candidates.index_select(0, best);
        }
        var prediction = candidates[.., 0];
        var cls = candidates[.., 1];
        var boxes = corners.index_select(0, prediction);
        var score = scores[prediction, cls];
        var keep = NonMaxSuppression.Apply(boxes, score, cls, IouThreshold).Take(MaxDetections).ToArray();
        var b = boxes.data<float>().ToArray();
        var s = score.data<float>().ToArray();
        var c = cls.data<long>().ToArray();
        return keep.Select(k => new DetectedObject(
                image,
                (int)c[k],
                s[k],
                new BoundingBox(b[k * 4], b[k * 4 + 1], b[k * 4 + 2], b[k * 4 + 3])
            ))
            .ToList();
    }

    /// <summary>Per prediction: its cell (x, y), its anchor's size and its stride, in the order the model
    /// emits them (scales 32, 16, 8; anchor, row, column).</summary>
    private (Tensor Grid, Tensor Anchor, Tensor Stride) Layout(int inputSize)
    {
        int perScale = anchors.Count / YoloV3.Strides.Count;
        var grids = new List<Tensor>();
        var sizes = new List<Tensor>();
        var strides = new List<Tensor>();
        for (int s = 0; s < YoloV3.Strides.Count; s++)
        {
            int stride = YoloV3.Strides[s];
            if (inputSize % stride != 0)
                throw new LeanNetsUsageException($"YOLO-V3 inputs must be divisible by 32, got {inputSize}");
            long g = inputSize / stride;
            var ys = arange(g).view(g, 1).expand(g, g);
            var xs = arange(g).view(1, g).expand(g, g);
            var cell = stack([xs, ys], -1).reshape(1, g * g, 2).expand(perScale, g * g, 2).reshape(-1, 2);
            grids.Add(cell.to(float32));
            var scaleAnchors = YoloV3.ScaleAnchors(anchors, s);
            var wh = tensor(scaleAnchors.SelectMany(a => new[] { a.Width, a.Height }).ToArray()).view(perScale, 1, 2);
            sizes.Add(wh.expand(perScale, g * g, 2).reshape(-1, 2));
            strides.Add(full(perScale * g * g, 1, stride, dtype: float32));
        }
        return (cat(grids, 0), cat(sizes, 0), cat(strides, 0));
    }
}
