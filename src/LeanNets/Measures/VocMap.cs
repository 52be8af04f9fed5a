using LeanNets.Models.Detection;
namespace LeanNets.Measures;

/// <summary>How the precision-recall curve is turned into average precision.</summary>
public enum ApMethod
{
    /// <summary>PASCAL VOC 2007: mean of the best precision at recall >= 0, 0.1, ..., 1 (11 points).</summary>
    Voc07ElevenPoint,

    /// <summary>VOC 2010 and later: the area under the curve made monotone (every recall step).</summary>
    AllPoint,
}

/// <summary>One point of a precision-recall curve, after the detection it counts.</summary>
public readonly record struct PrPoint(double Recall, double Precision);

/// <summary>A class's average precision (null when the class has no non-difficult object to find).</summary>
public sealed record ClassAp(
    int Class,
    int Objects,
    int Detections,
    int TruePositives,
    double? Ap,
    IReadOnlyList<PrPoint> Curve
);

public sealed record MapResult(ApMethod Method, double IouThreshold, IReadOnlyList<ClassAp> Classes)
{
    /// <summary>Mean AP over the classes that have objects.</summary>
    public double Map => Classes.Where(c => c.Ap != null).Select(c => c.Ap!.Value).DefaultIfEmpty(0).Average();
}

/// <summary>
/// PASCAL VOC detection metric (mAP at an IoU threshold, 0.5 by default), as the VOC devkit computes it:
/// per class, detections in descending score are matched to the unmatched object of the same image and class
/// with the highest IoU; a match at or above the threshold is a true positive, a second detection of an
/// already-found object is a false positive (duplicate), and a detection whose best match is a difficult
/// object counts as neither. Difficult objects are not in the recall denominator.
/// </summary>
public static class VocMap
{
    public static MapResult Evaluate(
        IEnumerable<DetectedObject> detections,
        IEnumerable<LabelledObject> truth,
        int numClasses,
        ApMethod method = ApMethod.Voc07ElevenPoint,
        double iouThreshold = 0.5
    )
    {
        Bounds.Require(iouThreshold is > 0 and <= 1, "IoU threshold", iouThreshold, "(0, 1]");
        var byClass = detections.ToLookup(d => d.Class);
        var objects = truth.ToLookup(t => t.Class);
        var classes = new List<ClassAp>();
        for (int c = 0; c < numClasses; c++)
            classes.Add(EvaluateClass(c, byClass[c], objects[c], method, iouThreshold));
        return new MapResult(method, iouThreshold, classes);
    }

    private static ClassAp EvaluateClass(
        int cls,
        IEnumerable<DetectedObject> detections,
        IEnumerable<LabelledObject> truth,
        ApMethod method,
        double iouThreshold
    )
    {
        var perImage = truth.GroupBy(t => t.Image).ToDictionary(g => g.Key, g => g.ToArray());
        var found = perImage.ToDictionary(p => p.Key, p => new bool[p.Value.Length]);
        int positives = perImage.Values.Sum(a => a.Count(t => !t.Difficult));
        // Stable: equal scores keep their input order.
        var ranked = detections.Select((d, i) => (d, i)).OrderByDescending(p => p.d.Score).ThenBy(p => p.i);
        int tp = 0,
            fp = 0,
            counted = 0;
        var curve = new List<PrPoint>();
        foreach (var (d, _) in ranked)
        {
            counted++;
            int best = -1;
            float bestIou = 0;
            if (perImage.TryGetValue(d.Image, out var candidates))
            {
                for (int k = 0; k < candidates.Length; k++)
                {
                    float iou = d.Box.Iou(candidates[k].Box);
                    if (iou > bestIou)
                        (best, bestIou) = (k, iou);
                }
            }
            if (best >= 0 && bestIou >= iouThreshold)
            {
                if (candidates![best].Difficult)
                    continue;
                if (!found[d.Image][best])
                {
                    found[d.Image][best] = true;
                    tp++;
                }
                else
                    fp++;
            }
            else
                fp++;
            if (positives > 0)
                curve.Add(new PrPoint((double)tp / positives, (double)tp / (tp + fp)));
        }
        double? ap = positives == 0 ? null : Average(curve, method);
        return new ClassAp(cls, positives, counted, tp, ap, curve);
    }

    /// <summary>Average precision of a curve (points in detection order).</summary>
    public static double Average(IReadOnlyList<PrPoint> curve, ApMethod method)
    {
        if (method == ApMethod.Voc07ElevenPoint)
        {
            double sum = 0;
            for (int t = 0; t <= 10; t++)
            {
                double threshold = t / 10.0;
                sum += curve.Where(p => p.Recall >= threshold - 1e-12).Select(p => p.Precision).DefaultIfEmpty(0).Max();
            }
            return sum / 11;
        }
        // Sentinels at recall 0 and 1, precision made non-increasing from the right, area over recall steps.
        var recall = new List<double> { 0 };
        var precision = new List<double> { 0 };
        recall.AddRange(curve.Select(p => p.Recall));
        precision.AddRange(curve.Select(p => p.Precision));
        recall.Add(1);
        precision.Add(0);
        for (int i = precision.Count - 2; i >= 0; i--)
            precision[i] = Math.Max(precision[i], precision[i + 1]);
        double area = 0;
        for (int i = 0; i + 1 < recall.Count; i++)
            area += (recall[i + 1] - recall[i]) * precision[i + 1];
        return area;
    }
}
