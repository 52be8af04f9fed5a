using System.Globalization;
using System.Net;
using System.Text;
using LeanNets.IO;
using LeanNets.Measures;
using LeanNets.Training;
using static LeanNets.Training.Tasks.DetectionTask;

namespace LeanNets.Reports;

/// <summary>
/// A detector run's page: curves.png (loss terms and mAP per epoch), pr.png (the latest epoch's
/// precision-recall curve per class) and report.html (best mAP, both charts, the per-class AP table, every
/// epoch).
/// </summary>
public static class DetectionRunPage
{
    public const string PrCurves = "pr.png";

    /// <param name="latest">the last epoch's evaluation, when known: it adds pr.png and the per-class table.
    /// </param>
    public static void Write(string dir, TrainingState state, DetectionScores? latest)
    {
        SaveCurves(Path.Combine(dir, RunReport.Curves), state.History);
        if (latest != null)
            PrecisionRecallCurves.Save(Path.Combine(dir, PrCurves), latest.Area, state.ClassNames ?? []);
        AtomicFile.WriteAllText(Path.Combine(dir, RunReport.Page), Html(state, latest));
    }

    private static void SaveCurves(string path, IReadOnlyList<EpochMetrics> history)
    {
        IReadOnlyList<(double, double)> Points(Func<EpochMetrics, double> f) =>
            history.Select(e => ((double)e.Epoch, f(e))).ToList();
        // A from-scratch detector's first epoch sits orders of magnitude above the rest (objectness of every
        // empty cell); the axis follows the later epochs so their trend stays readable.
        bool clip = history.Count >= 3 && history[0].TrainLoss > 3 * history.Skip(1).Max(e => e.TrainLoss);
        var loss = Plots.Lines(
            clip ? "Training loss (epoch 1 off the scale)" : "Training loss",
            "epoch",
            "loss per image",
            [
                ("total", Points(e => e.TrainLoss)),
                ("box", Points(e => e[BoxLoss])),
                ("objectness", Points(e => e[ObjectLoss])),
                ("class", Points(e => e[ClassLoss])),
            ],
            integerX: true
        );
        if (clip)
            loss.Axes.SetLimitsY(0, 1.1 * history.Skip(1).Max(e => e.TrainLoss));
        var map = Plots.Lines(
            "Evaluation mAP@0.5",
            "epoch",
            "mAP (%)",
            [("VOC07 11-point", Points(e => 100 * e[Map07])), ("all-point area", Points(e => 100 * e[MapArea]))],
            integerX: true
        );
        Plots.SaveRow(path, [loss, map]);
    }

    private static string Html(TrainingState state, DetectionScores? latest)
    {
        var o = state.Options;
        var sb = RunReport.Html("LeanNets detector run: " + o.Model);
        sb.Append("<h1>")
            .Append(WebUtility.HtmlEncode(o.Model))
            .Append(" on ")
            .Append(WebUtility.HtmlEncode(o.Data))
            .Append("</h1>");
        if (state.History.Count > 0)
        {
            var best = state.History.Single(e => e.Epoch == state.BestEpoch);
            // With an EMA the average's score picks the epoch and its weights are the best ones.
            string average = best.EmaScore.HasValue
                ? string.Create(CultureInfo.InvariantCulture, $"moving average; model {100 * best[Map07]:F1}%, ")
                : "";
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<p>Best mAP@0.5 <b id=\"best-map\">{100 * best.Selection:F1}%</b> (VOC07 11-point; {average}"
                    + $"{100 * best[MapArea]:F1}% all-point) at epoch {best.Epoch} of {state.CompletedEpochs} "
                    + $"completed, {o.InputSize}x{o.InputSize} inputs; its weights are "
                    + $"<code>{Trainer.BestWeights}</code>.</p>"
            );
        }
        sb.Append(
            $"<img src=\"{RunReport.Curves}\" width=\"1280\" alt=\"training loss and evaluation mAP per epoch\">");
        if (latest is { } maps)
        {
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<h2>Epoch {state.CompletedEpochs}: average precision per class</h2>"
            );
            sb.Append(ApTable(maps, state.ClassNames ?? []));
            sb.Append($"<img src=\"{PrCurves}\" width=\"640\" alt=\"precision-recall curve per class\">");
        }
        sb.Append(
            "<h2>Epochs</h2><table><tr><th>epoch</th><th>lr</th><th>loss</th><th>box</th><th>objectness</th>"
                + "<th>class</th><th>mAP VOC07 (%)</th><th>mAP area (%)</th><th>mAP@[.5:.95] (%)</th><th>seconds</th>"
                + "</tr>"
        );
        foreach (var e in state.History)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<tr><td>{e.Epoch}</td><td>{e.LearningRate:G4}</td><td>{e.TrainLoss:F3}</td><td>{e[BoxLoss]:F3}</td>"
                    + $"<td>{e[ObjectLoss]:F3}</td><td>{e[ClassLoss]:F3}</td><td>{100 * e[Map07]:F1}</td>"
                    + $"<td>{100 * e[MapArea]:F1}</td>"
                    // Runs from before COCO's figure was recorded have none for their earlier epochs.
                    + $"<td>{Percent(e.Values.GetValueOrDefault(MapCoco, double.NaN))}</td><td>{e.Seconds:F0}</td></tr>"
            );
        sb.Append("</table>");
        return RunReport.Close(sb, o);
    }

    /// <summary>Per class: objects, detections, true positives, VOC's AP@0.5 by both methods, COCO's AP@0.5 (101
    /// points) and AP@[.5:.95], and precision, recall and F1 at the default confidence threshold.</summary>
    public static string ApTable(DetectionScores scores, IReadOnlyList<string> classNames)
    {
        var coco = scores.Coco;
        var sb = new StringBuilder(
            "<table class=\"ap\"><tr><th>class</th><th>objects</th><th>detections</th><th>true positives</th>"
                + "<th>AP VOC07 (%)</th><th>AP area (%)</th><th>AP50 COCO (%)</th><th>AP@[.5:.95] (%)</th>"
                + string.Create(CultureInfo.InvariantCulture,
                    $"<th>P@{coco.ConfidenceThreshold:G2} (%)</th><th>R (%)</th><th>F1 (%)</th></tr>")
        );
        foreach (var ((c, a), k) in scores.Voc07.Classes.Zip(scores.Area.Classes).Zip(coco.Classes))
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<tr><td>{WebUtility.HtmlEncode(PrecisionRecallCurves.Name(classNames, c.Class))}</td>"
                    + $"<td>{c.Objects}</td><td>{c.Detections}</td><td>{c.TruePositives}</td>"
                    + $"<td>{Percent(c.Ap)}</td><td>{Percent(a.Ap)}</td><td>{Percent(k.Ap50)}</td>"
                    + $"<td>{Percent(k.Ap)}</td>{Counts(k.AtThreshold)}</tr>"
            );
        sb.Append(
            CultureInfo.InvariantCulture,
            $"<tr><th>mean</th><td></td><td></td><td></td><th>{100 * scores.Voc07.Map:F1}</th>"
                + $"<th>{100 * scores.Area.Map:F1}</th><th>{Percent(coco.Map50)}</th><th>{Percent(coco.Map)}</th>"
                + $"{Counts(coco.AtThreshold)}"
        );
        sb.Append("</tr></table>");
        sb.Append(
            CultureInfo.InvariantCulture,
            $"<p>COCO mAP@[.5:.95] by object size (original pixels): small {Percent(coco.MapSmall)}, medium "
                + $"{Percent(coco.MapMedium)}, large {Percent(coco.MapLarge)} (- where the data has no object of "
                + $"that size); P, R and F1 over all classes' kept detections.</p>"
        );
        return sb.ToString();
    }

    private static string Counts(DetectionCounts counts) =>
        $"<td>{Percent(counts.Precision)}</td><td>{Percent(counts.Recall)}</td><td>{Percent(counts.F1)}</td>";

    /// <summary>A figure in percent; "-" where there is none (no object to find, COCO's -1, or not recorded).
    /// </summary>
    private static string Percent(double? ap) =>
        ap is double v && v >= 0 ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) : "-";
}
