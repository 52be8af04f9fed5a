using LeanNets.Inference.Detection;
using LeanNets.IO;

namespace LeanNets.Reports;

/// <summary>What `eval --task detect` leaves: eval.json, pr.png (the precision-recall curve per class) and
/// eval.html.</summary>
public static class DetectionEvalFiles
{
    public const string Json = "eval.json",
        Page = "eval.html",
        PrCurves = "pr.png";

    /// <summary>All three files or none (the folder is often a run's, so it is written into, not replaced).
    /// </summary>
    public static void Write(DetectionEvalReport report, string folder) =>
        AtomicDirectory.WriteInto(folder, temp => WriteFiles(report, temp));

    private static void WriteFiles(DetectionEvalReport report, string folder)
    {
        var scores = report.Scores;
        var coco = scores.Coco;
        var classes = scores.Voc07.Classes.Zip(scores.Area.Classes, coco.Classes).Select(p => new
        {
            name = PrecisionRecallCurves.Name(report.ClassNames, p.First.Class),
            objects = p.First.Objects,
            detections = p.First.Detections,
            true_positives = p.First.TruePositives,
            ap_voc07 = p.First.Ap,
            ap_area = p.Second.Ap,
            ap_coco = p.Third.Ap,
            ap50_coco = p.Third.Ap50,
            ap75_coco = p.Third.Ap75,
            ap_small = p.Third.Small,
            ap_medium = p.Third.Medium,
            ap_large = p.Third.Large,
            precision = p.Third.AtThreshold.Precision,
            recall = p.Third.AtThreshold.Recall,
            f1 = p.Third.AtThreshold.F1,
        });
        var all = coco.AtThreshold;
        // COCO marks a figure with no object to find as -1; JSON says so with null.
        static double? Figure(double value) => value >= 0 ? value : null;
        AtomicFile.WriteAllText(Path.Combine(folder, Json), JsonFile.Serialize(new
        {
            model = report.Model,
            split = report.Split,
            images = report.Images,
            skipped = report.Skipped,
            iou_threshold = scores.Voc07.IouThreshold,
            map_voc07 = scores.Voc07.Map,
            map_area = scores.Area.Map,
            map_coco = Figure(coco.Map),
            map50_coco = Figure(coco.Map50),
            map75_coco = Figure(coco.Map75),
            map_small = Figure(coco.MapSmall),
            map_medium = Figure(coco.MapMedium),
            map_large = Figure(coco.MapLarge),
            confidence_threshold = coco.ConfidenceThreshold,
            precision = all.Precision,
            recall = all.Recall,
            f1 = all.F1,
            images_per_second = report.ImagesPerSecond,
            input_size = report.InputSize,
            classes,
        }));
        PrecisionRecallCurves.Save(Path.Combine(folder, PrCurves), scores.Area, report.ClassNames);
        var page = RunReport.Html($"LeanNets detector evaluation: {report.Model}");
        page.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"<h1>{System.Net.WebUtility.HtmlEncode(report.Model)} on split '{report.Split}' ({report.Images} "
                + $"images)</h1><p>mAP@0.5 <b id=\"map\">{100 * scores.Voc07.Map:F1}%</b> (VOC07 11-point), "
                + $"{100 * scores.Area.Map:F1}% (all-point area); COCO mAP@[.5:.95] <b id=\"map-coco\">"
                + $"{100 * Math.Max(0, coco.Map):F1}%</b>; difficult objects ignored.</p>");
        page.Append(DetectionRunPage.ApTable(scores, report.ClassNames))
            .Append($"<img src=\"{PrCurves}\" width=\"640\" alt=\"precision-recall curve per class\"></body></html>");
        AtomicFile.WriteAllText(Path.Combine(folder, Page), page.ToString());
    }
}
