using System.Diagnostics;
using LeanNets.Analysis.Detection;
using LeanNets.Data.Detection;
using LeanNets.Inference.Detection;
using LeanNets.IO;
using LeanNets.Models.Detection;
using LeanNets.Reports;

namespace LeanNets.Training.Detection;

/// <summary>What `eval --task detect` scores: a detector's weights on a VOC split.</summary>
/// <param name="Split">the VOC split (null: test when the data has one, else val).</param>
public sealed record DetectionEvalRequest(
    string Model,
    string Weights,
    IReadOnlyList<string> Data,
    string? Split = null,
    int? InputSize = null,
    bool SkipBad = false
);

public sealed record DetectionEvalReport(
    string Model,
    string Split,
    int Images,
    int Skipped,
    IReadOnlyList<string> ClassNames,
    MapResult Voc07,
    MapResult Area,
    double ImagesPerSecond,
    int InputSize
);

/// <summary>
/// VOC mAP@0.5 of trained detector weights on a split, by both the 11-point and the area method, with each
/// class's objects, detections, true positives and AP; <see cref="Write"/> saves eval.json, pr.png (the
/// precision-recall curve per class) and eval.html.
/// </summary>
public static class DetectionEvaluation
{
    public const string Json = "eval.json",
        Page = "eval.html",
        PrCurves = "pr.png";

    public static DetectionEvalReport Run(DetectionEvalRequest request)
    {
        if (request.InputSize is int asked)
            DetectorRegistry.RequireInputSize(asked);
        using var detector = TrainedDetector.Load(request.Model, request.Weights);
        int side = detector.SideFor(request.InputSize);
        string split = request.Split ?? DefaultSplit(request.Data);
        // Indices must mean what the detector learned: its own class list, or the data's when the weights came
        // without names and the counts agree.
        var names = detector.UnnamedClasses ? null : detector.ClassNames;
        var data = VocDataset.Load(request.Data, split, names, request.SkipBad);
        if (data.ClassNames.Count != detector.Model.NumClasses)
            throw new LeanNetsException($"{request.Weights} detects {detector.Model.NumClasses} classes but split "
                + $"'{split}' has {data.ClassNames.Count} ({string.Join(", ", data.ClassNames)})");
        var clock = Stopwatch.StartNew();
        var batches = new DetectionBatches(data, side);
        var (voc07, area) = DetectionTrainer.Evaluate(detector.Model, batches, side, data.ClassNames.Count);
        return new DetectionEvalReport(request.Model, split, data.Count, data.Skipped, data.ClassNames, voc07, area,
            data.Count / clock.Elapsed.TotalSeconds, side);
    }

    private static string DefaultSplit(IReadOnlyList<string> roots) =>
        roots.All(r => File.Exists(Path.Combine(r, "ImageSets", "Main", "test.txt"))) ? "test" : "val";

    public static void Write(DetectionEvalReport report, string folder)
    {
        Directory.CreateDirectory(folder);
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
        var page = RunReport.Page($"LeanNets detector evaluation: {report.Model}");
        page.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"<h1>{System.Net.WebUtility.HtmlEncode(report.Model)} on split '{report.Split}' ({report.Images} "
                + $"images)</h1><p>mAP@0.5 <b id=\"map\">{100 * report.Voc07.Map:F1}%</b> (VOC07 11-point), "
                + $"{100 * report.Area.Map:F1}% (all-point area); difficult objects ignored.</p>");
        page.Append(DetectionReport.ApTable(report.Voc07, report.Area, report.ClassNames))
            .Append($"<img src=\"{PrCurves}\" width=\"640\" alt=\"precision-recall curve per class\"></body></html>");
        AtomicFile.WriteAllText(Path.Combine(folder, Page), page.ToString());
    }
}
