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
    public static void Write(string dir, TrainingState state, MapPair? latest)
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

    private static string Html(TrainingState state, MapPair? latest)
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
            var best = state.History.MaxBy(e => e.Score)!;
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<p>Best mAP@0.5 <b id=\"best-map\">{100 * best[Map07]:F1}%</b> (VOC07 11-point; "
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
            sb.Append(ApTable(maps.Voc07, maps.Area, state.ClassNames ?? []));
            sb.Append($"<img src=\"{PrCurves}\" width=\"640\" alt=\"precision-recall curve per class\">");
        }
        sb.Append(
            "<h2>Epochs</h2><table><tr><th>epoch</th><th>lr</th><th>loss</th><th>box</th><th>objectness</th>"
                + "<th>class</th><th>mAP VOC07 (%)</th><th>mAP area (%)</th><th>seconds</th></tr>"
        );
        foreach (var e in state.History)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<tr><td>{e.Epoch}</td><td>{e.LearningRate:G4}</td><td>{e.TrainLoss:F3}</td><td>{e[BoxLoss]:F3}</td>"
                    + $"<td>{e[ObjectLoss]:F3}</td><td>{e[ClassLoss]:F3}</td><td>{100 * e[Map07]:F1}</td>"
                    + $"<td>{100 * e[MapArea]:F1}</td><td>{e.Seconds:F0}</td></tr>"
            );
        sb.Append("</table>");
        return RunReport.Close(sb, o);
    }

    /// <summary>Objects, detections, true positives and AP by both methods, one row per class.</summary>
    public static string ApTable(MapResult voc07, MapResult area, IReadOnlyList<string> classNames)
    {
        var sb = new StringBuilder(
            "<table class=\"ap\"><tr><th>class</th><th>objects</th><th>detections</th><th>true positives</th>"
                + "<th>AP VOC07 (%)</th><th>AP area (%)</th></tr>"
        );
        foreach (var (c, a) in voc07.Classes.Zip(area.Classes))
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<tr><td>{WebUtility.HtmlEncode(PrecisionRecallCurves.Name(classNames, c.Class))}</td>"
                    + $"<td>{c.Objects}</td><td>{c.Detections}</td><td>{c.TruePositives}</td>"
                    + $"<td>{Percent(c.Ap)}</td><td>{Percent(a.Ap)}</td></tr>"
            );
        sb.Append(
            CultureInfo.InvariantCulture,
            $"<tr><th>mean</th><td></td><td></td><td></td><th>{100 * voc07.Map:F1}</th><th>{100 * area.Map:F1}</th>"
        );
        sb.Append("</tr></table>");
        return sb.ToString();
    }

    private static string Percent(double? ap) =>
        ap is double v ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) : "-";
}
