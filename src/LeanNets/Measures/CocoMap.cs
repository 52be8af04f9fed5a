using LeanNets.Models.Detection;

namespace LeanNets.Measures;

/// <summary>A class's COCO figures; null where the class has no object to find (in that size range).</summary>
/// <param name="Ap">AP averaged over IoU 0.50, 0.55, ..., 0.95 (COCO's primary figure).</param>
/// <param name="Ap50">AP at IoU 0.5, 101-point interpolation.</param>
/// <param name="Ap75">AP at IoU 0.75.</param>
/// <param name="Small">AP over objects under 32x32 pixels of the original image.</param>
/// <param name="Medium">AP over objects from 32x32 to 96x96 pixels.</param>
/// <param name="Large">AP over objects above 96x96 pixels.</param>
/// <param name="AtThreshold">precision, recall and F1 of the detections kept at the confidence threshold.</param>
public sealed record CocoClass(
    int Class,
    int Objects,
    double? Ap,
    double? Ap50,
    double? Ap75,
    double? Small,
    double? Medium,
    double? Large,
    DetectionCounts AtThreshold
);

/// <summary>Detections kept at a confidence threshold, matched at IoU 0.5: precision, recall and F1.</summary>
public sealed record DetectionCounts(int TruePositives, int FalsePositives, int Objects)
{
    public double Precision => TruePositives + FalsePositives == 0
        ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Objects == 0 ? 0 : (double)TruePositives / Objects;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>COCO's figures over all classes: each the mean over the classes that have objects for it.</summary>
public sealed record CocoResult(IReadOnlyList<CocoClass> Classes, double ConfidenceThreshold)
{
    public double Map => Mean(c => c.Ap);

    public double Map50 => Mean(c => c.Ap50);

    public double Map75 => Mean(c => c.Ap75);

    public double MapSmall => Mean(c => c.Small);

    public double MapMedium => Mean(c => c.Medium);

    public double MapLarge => Mean(c => c.Large);

    /// <summary>Every class's detections at the threshold together (micro-averaged).</summary>
    public DetectionCounts AtThreshold => new(
        Classes.Sum(c => c.AtThreshold.TruePositives),
        Classes.Sum(c => c.AtThreshold.FalsePositives),
        Classes.Sum(c => c.AtThreshold.Objects)
    );

    /// <summary>The mean over classes with a figure; -1 when none has one (COCO's mark for "no objects").</summary>
    private double Mean(Func<CocoClass, double?> figure) =>
        Classes.Select(figure).OfType<double>().DefaultIfEmpty(-1).Average();
}

/// <summary>
/// The COCO detection metric (what pycocotools' COCOeval reports for boxes), for users who compare on it: per
/// class and IoU threshold (0.50 to 0.95 in steps of 0.05), each image's detections, highest score first and at
/// most 100, take the best still-unmatched object with IoU at or above the threshold; precision is made
/// non-increasing and read at 101 recall points. Objects outside a size range, and VOC's difficult objects, are
/// ignored (a detection matched to one counts neither way, and a difficult object may absorb several, as a COCO
/// crowd region does, though with plain IoU); an unmatched detection outside the size range is ignored too. Sizes
/// are areas in the original image's pixels: small below 32², large above 96². Recall levels are compared to
/// within float rounding (pycocotools compares with the rounding of numpy's linspace).
/// </summary>
public static class CocoMap
{
    public const int MaxDetectionsPerImage = 100;

    private const double SmallArea = 32 * 32,
        LargeArea = 96 * 96;

    private static readonly double[] Thresholds = [.. Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i)];

    private static readonly (double Low, double High)[] Ranges =
    [
        (0, double.MaxValue),
        (0, SmallArea),
        (SmallArea, LargeArea),
        (LargeArea, double.MaxValue),
    ];

    /// <param name="area">a box's area in the original image's pixels (null: its area as given).</param>
    /// <param name="confidenceThreshold">the score from which a detection is kept (precision, recall, F1).</param>
    public static CocoResult Evaluate(
        IEnumerable<DetectedObject> detections,
        IEnumerable<LabelledObject> truth,
        int numClasses,
        Func<string, BoundingBox, double>? area = null,
        double confidenceThreshold = 0.25
    )
    {
        Bounds.Require(confidenceThreshold is >= 0 and <= 1, "confidence threshold", confidenceThreshold, "[0, 1]");
        area ??= (_, box) => box.Area;
        var found = detections.ToLookup(d => d.Class);
        var objects = truth.ToLookup(t => t.Class);
        var classes = new List<CocoClass>();
        for (int c = 0; c < numClasses; c++)
            classes.Add(EvaluateClass(c, found[c], objects[c], area, confidenceThreshold));
        return new CocoResult(classes, confidenceThreshold);
    }

    private static CocoClass EvaluateClass(int cls, IEnumerable<DetectedObject> detections,
        IEnumerable<LabelledObject> truth, Func<string, BoundingBox, double> area, double confidenceThreshold)
    {
        var truthByImage = truth.ToLookup(t => t.Image);
        var foundByImage = detections.Select((d, i) => (d, i)).ToLookup(p => p.d.Image);
        // Each image's detections, best first (stable on ties), at most 100, and its objects, with every box's
        // area in original pixels measured once; images in a fixed order so that equal scores rank the same way
        // every time.
        var images = foundByImage.Select(g => g.Key).Union(truthByImage.Select(g => g.Key))
            .Order(StringComparer.Ordinal)
            .Select(image =>
            {
                var found = foundByImage[image].OrderByDescending(p => p.d.Score).ThenBy(p => p.i)
                    .Take(MaxDetectionsPerImage).Select(p => p.d).ToArray();
                var objects = truthByImage[image].ToArray();
                return new ImageBoxes(found, [.. found.Select(d => area(image, d.Box))], objects,
                    [.. objects.Select(o => area(image, o.Box))]);
            })
            .ToArray();
        var ap = new double?[Ranges.Length, Thresholds.Length];
        DetectionCounts? atThreshold = null;
        for (int r = 0; r < Ranges.Length; r++)
        {
            var range = Ranges[r];
            var views = images.Select(i => i.In(range)).ToArray();
            int objects = views.Sum(v => v.Counted);
            for (int t = 0; t < Thresholds.Length; t++)
            {
                var ranked = new List<(float Score, bool Matched)>();
                foreach (var view in views)
                    view.Match(Thresholds[t], ranked);
                ap[r, t] = objects == 0 ? null : Average(ranked, objects);
                if (r == 0 && t == 0)
                {
                    int tp = ranked.Count(d => d.Matched && d.Score >= confidenceThreshold);
                    int fp = ranked.Count(d => !d.Matched && d.Score >= confidenceThreshold);
                    atThreshold = new DetectionCounts(tp, fp, objects);
                }
            }
        }
        double? Mean(int r) =>
            ap[r, 0] is null ? null : Enumerable.Range(0, Thresholds.Length).Average(t => ap[r, t]!.Value);
        return new CocoClass(cls, atThreshold!.Objects, Mean(0), ap[0, 0], ap[0, 5], Mean(1), Mean(2), Mean(3),
            atThreshold);
    }

    /// <summary>One image's ranked detections and its objects (of one class), with their areas.</summary>
    private sealed record ImageBoxes(DetectedObject[] Found, double[] FoundAreas, LabelledObject[] Objects,
        double[] ObjectAreas)
    {
        /// <summary>The image as one size range sees it: its objects, those that count first (so that a detection
        /// prefers them over ignored ones), which are ignored (difficult, or outside the range), and which
        /// detections lie outside the range.</summary>
        public RangeView In((double Low, double High) range)
        {
            bool Outside(double a) => a < range.Low || a > range.High;
            var ignored = Objects.Select((o, k) => o.Difficult || Outside(ObjectAreas[k])).ToArray();
            var order = Enumerable.Range(0, Objects.Length).OrderBy(k => ignored[k] ? 1 : 0).ToArray();
            return new RangeView(Found, [.. FoundAreas.Select(Outside)], [.. order.Select(k => Objects[k])],
                [.. order.Select(k => ignored[k])]);
        }
    }

    private sealed record RangeView(DetectedObject[] Found, bool[] FoundOutside, LabelledObject[] Objects,
        bool[] Ignored)
    {
        /// <summary>The objects that count (the recall denominator).</summary>
        public int Counted => Ignored.Count(i => !i);

        /// <summary>Matches the ranked detections to the objects at one IoU threshold; adds the detections that
        /// count (not ignored) to <paramref name="ranked"/>.</summary>
        public void Match(double threshold, List<(float Score, bool Matched)> ranked)
        {
            var taken = new bool[Objects.Length];
            for (int d = 0; d < Found.Length; d++)
            {
                int best = -1;
                double bestIou = Math.Min(threshold, 1 - 1e-10);
                for (int g = 0; g < Objects.Length; g++)
                {
                    bool crowd = Objects[g].Difficult;
                    if (taken[g] && !crowd)
                        continue;
                    // Past the objects that count, an ignored one cannot replace a match already found.
                    if (best >= 0 && !Ignored[best] && Ignored[g])
                        break;
                    double iou = Found[d].Box.Iou(Objects[g].Box);
                    if (iou < bestIou)
                        continue;
                    (best, bestIou) = (g, iou);
                }
                if (best >= 0)
                {
                    taken[best] = true;
                    if (!Ignored[best])
                        ranked.Add((Found[d].Score, true));
                }
                else if (!FoundOutside[d])
                    ranked.Add((Found[d].Score, false));
            }
        }
    }

    /// <summary>COCO's 101-point AP: detections of every image by score (stable), precision made non-increasing
    /// from the right, read at the first point reaching each recall 0, 0.01, ..., 1 (0 past the last).</summary>
    private static double Average(List<(float Score, bool Matched)> detections, int objects)
    {
        var ranked = detections.Select((d, i) => (d, i)).OrderByDescending(p => p.d.Score).ThenBy(p => p.i)
            .Select(p => p.d.Matched).ToArray();
        var recall = new double[ranked.Length];
        var precision = new double[ranked.Length];
        int tp = 0;
        for (int i = 0; i < ranked.Length; i++)
        {
            tp += ranked[i] ? 1 : 0;
            recall[i] = (double)tp / objects;
            precision[i] = (double)tp / (i + 1);
        }
        for (int i = ranked.Length - 1; i > 0; i--)
            precision[i - 1] = Math.Max(precision[i - 1], precision[i]);
        double sum = 0;
        for (int k = 0; k <= 100; k++)
        {
            double level = k / 100.0;
            int at = Array.FindIndex(recall, r => r >= level - 1e-12);
            sum += at < 0 ? 0 : precision[at];
        }
        return sum / 101;
    }
}
