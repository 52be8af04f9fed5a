using LeanNets.Models.Detection;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Training.Tasks;

/// <summary>The loss terms of one batch (each already divided by the batch size).</summary>
public sealed record YoloLossTerms(Tensor Total, double Box, double Objectness, double Class, int Positives);

/// <summary>
/// YOLO-V3's loss. Each object is assigned to the single anchor (of the nine) whose shape fits it best by IoU,
/// at the cell holding its centre, on that anchor's scale. The assigned prediction learns the centre offset
/// (squared error on the sigmoid), the log size ratio to its anchor (squared error), objectness 1 and the
/// object's class (binary cross-entropy per class); box terms are weighted by 2 - (relative area), favouring
/// small objects. Every other prediction learns objectness 0, except those whose decoded box already overlaps
/// an object by more than <see cref="IgnoreThreshold"/>: they are ignored rather than punished.
/// </summary>
public sealed class YoloLoss(IReadOnlyList<Anchor> anchors, int numClasses)
{
    public double IgnoreThreshold { get; init; } = 0.5;

    public static YoloLoss For(YoloV3 model) => new(model.Anchors, model.NumClasses);

    /// <summary>Where each object goes: its prediction index and its regression targets.</summary>
    public sealed record Assignment(long Prediction, float Tx, float Ty, float Tw, float Th, int Class, float Weight);

    public YoloLossTerms Compute(Tensor raw, IReadOnlyList<IReadOnlyList<TargetBox>> targets, int inputSize)
    {
        long batch = raw.shape[0],
            predictions = raw.shape[1];
        using var scope = NewDisposeScope();
        // Every training step runs this: owned scalars only (see OwnedScalars).
        using var ignore = IgnoreThreshold.ToScalar();
        var objTarget = zeros(batch, predictions);
        var objWeight = ones(batch, predictions);
        var positives = new List<(long Image, Assignment A)>();
        var decoder = new YoloDecoder(anchors, numClasses);
        using (no_grad())
        {
            var boxes = decoder.Boxes(raw.detach(), inputSize);
            for (int n = 0; n < batch; n++)
            {
                if (targets[n].Count == 0)
                    continue;
                var truth = tensor(targets[n].SelectMany(t => new[] { t.Box.X1, t.Box.Y1, t.Box.X2, t.Box.Y2 })
                    .ToArray()).view(-1, 4);
                var overlap = BoxIou.Pairwise(boxes[n], truth).max(1).values;
                objWeight[n] = overlap.le(ignore).to(float32);
                foreach (var t in targets[n])
                    positives.Add((n, Assign(t, inputSize)));
            }
        }
        var boxLoss = zeros(1);
        var classLoss = zeros(1);
        if (positives.Count > 0)
        {
            var images = tensor(positives.Select(p => p.Image).ToArray());
            var index = tensor(positives.Select(p => p.A.Prediction).ToArray());
            var picked = raw[images, index];
            var weight = tensor(positives.Select(p => p.A.Weight).ToArray());
            var xy = tensor(positives.SelectMany(p => new[] { p.A.Tx, p.A.Ty }).ToArray()).view(-1, 2);
            var wh = tensor(positives.SelectMany(p => new[] { p.A.Tw, p.A.Th }).ToArray()).view(-1, 2);
            var centreError = picked[.., ..2].sigmoid().sub(xy).pow(OwnedScalars.Two).sum(1);
            var sizeError = picked[.., 2..4].sub(wh).pow(OwnedScalars.Two).sum(1);
            boxLoss = weight.mul(centreError.Plus(sizeError)).sum();
            var oneHot = zeros(positives.Count, numClasses);
            for (int i = 0; i < positives.Count; i++)
                oneHot[i, positives[i].A.Class] = 1f;
            classLoss = nn.functional.binary_cross_entropy_with_logits(
                picked[.., 5..],
                oneHot,
                reduction: nn.Reduction.Sum
            );
            objTarget[images, index] = 1f;
            objWeight[images, index] = 1f;
        }
        var objLoss = nn.functional.binary_cross_entropy_with_logits(
            raw[.., .., 4], objTarget, weight: objWeight, reduction: nn.Reduction.Sum);
        using var perImage = batch.ToScalar();
        var total = boxLoss.Plus(objLoss).Plus(classLoss).div(perImage);
        return new YoloLossTerms(
            total.MoveToOuterDisposeScope(),
            boxLoss.item<float>() / batch,
            objLoss.item<float>() / batch,
            classLoss.item<float>() / batch,
            positives.Count
        );
    }

    /// <summary>The anchor (best shape IoU of the nine), cell and regression targets of one object.</summary>
    public Assignment Assign(TargetBox target, int inputSize)
    {
        float w = target.Box.Width,
            h = target.Box.Height;
        var shape = new Anchor(w, h);
        int best = 0;
        double bestIou = -1;
        for (int a = 0; a < anchors.Count; a++)
        {
            double iou = shape.ShapeIou(anchors[a]);
            if (iou > bestIou)
                (best, bestIou) = (a, iou);
        }
        int perScale = anchors.Count / YoloLayout.Strides.Count;
        int scale = YoloLayout.Strides.Count - 1 - best / perScale; // anchors are smallest first, scales coarsest first
        int anchor = best % perScale;
        long offset = 0;
        for (int s = 0; s < scale; s++)
        {
            long g = inputSize / YoloLayout.Strides[s];
            offset += perScale * g * g;
        }
        int stride = YoloLayout.Strides[scale];
        long grid = inputSize / stride;
        float cx = (target.Box.X1 + target.Box.X2) / 2 / stride,
            cy = (target.Box.Y1 + target.Box.Y2) / 2 / stride;
        long gx = Math.Clamp((long)cx, 0, grid - 1),
            gy = Math.Clamp((long)cy, 0, grid - 1);
        long prediction = offset + anchor * grid * grid + gy * grid + gx;
        float area = w * h / ((float)inputSize * inputSize);
        return new Assignment(
            prediction,
            cx - gx,
            cy - gy,
            MathF.Log(Math.Max(w, 1e-3f) / anchors[best].Width),
            MathF.Log(Math.Max(h, 1e-3f) / anchors[best].Height),
            target.Class,
            2 - area
        );
    }
}
