using LeanNets.Measures;

namespace LeanNets.Reports;

/// <summary>A detector's precision-recall curve per class in one chart, each labelled with its AP.</summary>
public static class PrecisionRecallCurves
{
    public static void Save(string path, MapResult result, IReadOnlyList<string> classNames)
    {
        var series = result
            .Classes.Where(c => c.Ap != null)
            .Select(c =>
                (
                    string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"{Name(classNames, c.Class)} (AP {100 * c.Ap!.Value:F1}%)"
                    ),
                    Points(c.Curve)
                )
            );
        var plot = Plots.Lines(
            string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                // Two lines: on one, the title is wider than the data area the legend leaves and runs off the left.
                $"Precision-recall at IoU {result.IouThreshold:0.##}\nmAP {100 * result.Map:F1}% ({Method(result)})"
            ),
            "recall",
            "precision",
            series
        );
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        Plots.Save(path, plot);
    }

    public static string Name(IReadOnlyList<string> classNames, int c) =>
        c < classNames.Count ? classNames[c] : $"class {c}";

    public static string Method(MapResult result) =>
        result.Method == ApMethod.Voc07ElevenPoint ? "VOC07 11-point" : "all-point area";

    /// <summary>The curve from (0, its first precision), so a class found at once starts at the top-left.</summary>
    private static IReadOnlyList<(double, double)> Points(IReadOnlyList<PrPoint> curve) =>
        curve.Count == 0 ? [] : [(0, curve[0].Precision), .. curve.Select(p => (p.Recall, p.Precision))];
}
