using LeanNets.Models.Detection;

namespace LeanNets.Data.Detection;

/// <summary>
/// Anchors fitted to a data set (YOLOv2's dimension clusters): k-means over the boxes' widths and heights in
/// letterboxed input pixels with distance 1 - IoU (boxes compared as if they shared a corner, so large boxes do not
/// dominate as they would in Euclidean distance). Several seeded starts; the one whose anchors fit best is kept.
/// The fit is the mean over boxes of the best IoU any anchor reaches (what the loss's anchor assignment sees).
/// </summary>
public static class AnchorFit
{
    /// <summary>Fitted anchors (smallest first, as <see cref="YoloV3"/> takes them) with their fit and
    /// yolov3.cfg's on the same boxes.</summary>
    public sealed record Result(IReadOnlyList<Anchor> Anchors, double MeanIou, double DefaultMeanIou, int Boxes);

    /// <summary>The boxes of <paramref name="data"/> as the detector sees them at <paramref name="inputSize"/>:
    /// each picture scaled so its longer side is the input side.</summary>
    public static IReadOnlyList<Anchor> BoxSizes(VocDataset data, int inputSize) =>
        data.Items.SelectMany(i =>
        {
            double scale = (double)inputSize / Math.Max(i.Annotation.Width, i.Annotation.Height);
            return i.Annotation.Objects.Select(o =>
                new Anchor((float)(o.Box.Width * scale), (float)(o.Box.Height * scale)));
        }).Where(a => a.Width > 0 && a.Height > 0).ToList();

    /// <summary>Fits <paramref name="count"/> anchors to the boxes; fewer boxes than anchors cannot be fitted and
    /// say so.</summary>
    public static Result Fit(IReadOnlyList<Anchor> boxes, int count, long seed, int starts = 8)
    {
        if (boxes.Count < count)
            throw new LeanNetsException(
                $"anchors auto needs at least {count} boxes in the training data, and it has {boxes.Count}");
        IReadOnlyList<Anchor>? best = null;
        double bestFit = double.NegativeInfinity;
        for (int start = 0; start < starts; start++)
        {
            var anchors = KMeans(boxes, count, new Random(StableSeed.Mix(seed, start, count)));
            double fit = MeanIou(boxes, anchors);
            if (fit > bestFit)
                (best, bestFit) = (anchors, fit);
        }
        var sorted = best!.OrderBy(a => a.Width * a.Height).ToList();
        return new Result(sorted, bestFit, MeanIou(boxes, YoloLayout.DefaultAnchors), boxes.Count);
    }

    /// <summary>The mean over boxes of the best IoU any anchor reaches, corners aligned.</summary>
    public static double MeanIou(IReadOnlyList<Anchor> boxes, IReadOnlyList<Anchor> anchors) =>
        boxes.Average(b => anchors.Max(a => b.ShapeIou(a)));

    /// <summary>Lloyd's iterations from a k-means++ start (each next centre drawn with probability proportional to
    /// its distance from the nearest chosen one); a cluster that empties keeps its centre.</summary>
    private static Anchor[] KMeans(IReadOnlyList<Anchor> boxes, int count, Random random)
    {
        var centres = new List<Anchor> { boxes[random.Next(boxes.Count)] };
        while (centres.Count < count)
        {
            var distance = boxes.Select(b => 1 - centres.Max(c => b.ShapeIou(c))).ToArray();
            double total = distance.Sum(), pick = random.NextDouble() * total;
            int chosen = 0;
            for (double sum = distance[0]; sum < pick && chosen < boxes.Count - 1; sum += distance[++chosen])
            {
            }
            centres.Add(boxes[chosen]);
        }
        var result = centres.ToArray();
        var assigned = new int[boxes.Count];
        for (int iteration = 0; iteration < 300; iteration++)
        {
            bool changed = iteration == 0;
            for (int i = 0; i < boxes.Count; i++)
            {
                int nearest = Enumerable.Range(0, count).MaxBy(k => boxes[i].ShapeIou(result[k]));
                changed |= nearest != assigned[i];
                assigned[i] = nearest;
            }
            if (!changed)
                break;
            for (int k = 0; k < count; k++)
            {
                var members = Enumerable.Range(0, boxes.Count).Where(i => assigned[i] == k).ToList();
                if (members.Count > 0)
                    result[k] = new Anchor(members.Average(i => boxes[i].Width), members.Average(i => boxes[i].Height));
            }
        }
        return result;
    }
}
