using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Inference;
using LeanNets.Inference.Detection;
using LeanNets.Reports;

namespace LeanNets.Cli.Commands;

/// <summary>What `eval` prints and writes for each task.</summary>
internal static class EvalOutput
{
    public static void Classifier(EvalReport report, string outDir, TextWriter output)
    {
        var r = report.Result;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Model} on {r.Images} images: top-1 {100 * r.Top1:F2}%"
                + $"{(r.ClassNames.Count > 5 ? $"  top-5 {100 * r.Top5:F2}%" : "")}  loss "
                + $"{r.Loss:F4}  {r.ImagesPerSecond:F0} img/s"));
        if (report.SkippedImages > 0)
            output.WriteLine($"skipped {report.SkippedImages} unreadable images");
        var table = new TextTable("class", "accuracy");
        table.RightAligned.Add(1);
        for (int c = 0; c < r.PerClassAccuracy.Length; c++)
            table.Add(r.ClassNames[c], Units.Percent(r.PerClassAccuracy[c]));
        output.Write(table.ToText());
        EvalFiles.Write(report, outDir);
        output.WriteLine($"wrote {Path.Combine(outDir, EvalFiles.Json)} and {EvalFiles.Confusion}");
    }

    public static int Detector(DetectionEvalReport report, string folder, TextWriter output)
    {
        var scores = report.Scores;
        var all = scores.Coco.AtThreshold;
        static string Figure(double value) => value >= 0 ? Units.Percent(value) : "-";
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{report.Model} on {report.Images} images (split '{report.Split}'): mAP@0.5 "
                    + $"{100 * scores.Voc07.Map:F1}% (VOC07 11-point) {100 * scores.Area.Map:F1}% (area), "
                    + $"COCO mAP@[.5:.95] {Figure(scores.Coco.Map)} mAP@0.5 {Figure(scores.Coco.Map50)} "
                    + $"(small {Figure(scores.Coco.MapSmall)}, medium {Figure(scores.Coco.MapMedium)}, large "
                    + $"{Figure(scores.Coco.MapLarge)}), at score {scores.Coco.ConfidenceThreshold:G2}: precision "
                    + $"{Units.Percent(all.Precision)} recall {Units.Percent(all.Recall)} F1 {Units.Percent(all.F1)}  "
                    + $"{report.ImagesPerSecond:F1} img/s"
            )
        );
        if (report.Skipped > 0)
            output.WriteLine($"skipped {report.Skipped} unreadable images, bad annotations or missing files");
        var table = new TextTable("class", "objects", "detections", "true pos.", "AP VOC07", "AP area",
            "AP@[.5:.95]");
        foreach (int c in new[] { 1, 2, 3, 4, 5, 6 })
            table.RightAligned.Add(c);
        foreach (var (v, a, k) in scores.Voc07.Classes.Zip(scores.Area.Classes, scores.Coco.Classes))
            table.Add(
                PrecisionRecallCurves.Name(report.ClassNames, v.Class),
                v.Objects.ToString(CultureInfo.InvariantCulture),
                v.Detections.ToString(CultureInfo.InvariantCulture),
                v.TruePositives.ToString(CultureInfo.InvariantCulture),
                v.Ap is double ap ? Units.Percent(ap) : "-",
                a.Ap is double area ? Units.Percent(area) : "-",
                k.Ap is double coco ? Units.Percent(coco) : "-"
            );
        output.Write(table.ToText());
        DetectionEvalFiles.Write(report, folder);
        output.WriteLine(
            $"wrote {Path.Combine(folder, DetectionEvalFiles.Json)}, {DetectionEvalFiles.PrCurves} and "
                + DetectionEvalFiles.Page
        );
        return LeanNetsCli.Success;
    }
}
