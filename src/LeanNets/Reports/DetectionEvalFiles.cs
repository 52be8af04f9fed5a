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
        var classes = report.Voc07.Classes.Zip(report.Area.Classes, (a, b) => new
        {
            name = PrecisionRecallCurves.Name(report.ClassNames, a.Class),
            objects = a.Objects,
            detections = a.Detections,
            true_positives = a.TruePositives,
            ap_voc07 = a.Ap,
            ap_area = b.Ap,
        });
        AtomicFile.WriteAllText(Path.Combine(folder, Json), JsonFile.Serialize(new
        {
            model = report.Model,
            split = report.Split,
            images = report.Images,
            skipped = report.Skipped,
            iou_threshold = report.Voc07.IouThreshold,
            map_voc07 = report.Voc07.Map,
            map_area = report.Area.Map,
            images_per_second = report.ImagesPerSecond,
            input_size = report.InputSize,
            classes,
        }));
        PrecisionRecallCurves.Save(Path.Combine(folder, PrCurves), report.Area, report.ClassNames);
        var page = RunReport.Html($"LeanNets detector evaluation: {report.Model}");
        page.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"<h1>{System.Net.WebUtility.HtmlEncode(report.Model)} on split '{report.Split}' ({report.Images} "
                + $"images)</h1><p>mAP@0.5 <b id=\"map\">{100 * report.Voc07.Map:F1}%</b> (VOC07 11-point), "
                + $"{100 * report.Area.Map:F1}% (all-point area); difficult objects ignored.</p>");
        page.Append(DetectionRunPage.ApTable(report.Voc07, report.Area, report.ClassNames))
            .Append($"<img src=\"{PrCurves}\" width=\"640\" alt=\"precision-recall curve per class\"></body></html>");
        AtomicFile.WriteAllText(Path.Combine(folder, Page), page.ToString());
    }
}
