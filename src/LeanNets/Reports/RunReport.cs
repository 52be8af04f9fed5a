using System.Globalization;
using System.Net;
using System.Text;
using LeanNets.IO;
using LeanNets.Training;

namespace LeanNets.Reports;

/// <summary>
/// A training run's files: metrics.csv, metrics.jsonl, curves.png and report.html, an observer of training that
/// rewrites them after each committed epoch, and at the start of a resume (so an epoch whose report a kill
/// interrupted is written then).
/// </summary>
public sealed class RunReport : ITrainingObserver
{
    public void OnStart(TrainingStart start)
    {
        if (start.State.History.Count > 0)
            Write(start.RunDirectory, start.State);
    }

    public void OnEpoch(EpochEnd end) => Write(end.RunDirectory, end.State);

    public static void Write(string runDirectory, TrainingState state)
    {
        var history = state.History;
        var csv = new StringBuilder(
            "epoch,lr,train_loss,train_top1,test_loss,test_top1,test_top5,seconds,train_images_per_second,ema_top1\n"
        );
        foreach (var m in history)
            csv.AppendLine(
                string.Join(
                    ",",
                    new object?[]
                    {
                        m.Epoch,
                        m.LearningRate,
                        m.TrainLoss,
                        m.TrainTop1,
                        m.TestLoss,
                        m.TestTop1,
                        m.TestTop5,
                        m.Seconds,
                        m.TrainImagesPerSecond,
                        m.EmaTop1,
                    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))
                )
            );
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "metrics.csv"), csv.ToString());
        AtomicFile.WriteAllText(
            Path.Combine(runDirectory, "metrics.jsonl"),
            string.Concat(history.Select(m => JsonFile.SerializeLine(m) + "\n"))
        );
        TrainingCurves.Save(Path.Combine(runDirectory, "curves.png"), history);
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "report.html"), Html(state));
    }

    /// <summary>The start of a run page: head, title and the tables' style; the body is open.</summary>
    internal static StringBuilder Page(string title) =>
        new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title))
            .Append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1300px}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
            .Append("th{background:#f4f4f4}</style></head><body>");

    private static string Html(TrainingState state)
    {
        var o = state.Options;
        var best = state.History.OrderByDescending(m => m.TestTop1).FirstOrDefault();
        var sb = Page("LeanNets run: " + o.Model);
        sb.Append("<h1>")
            .Append(WebUtility.HtmlEncode(o.Model))
            .Append(" on ")
            .Append(WebUtility.HtmlEncode(o.Data))
            .Append("</h1>");
        if (best != null)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<p>Best test top-1 <b>{100 * best.TestTop1:F2}%</b> (top-5 {100 * best.TestTop5:F2}%) at epoch "
                + $"{best.Epoch} of {state.CompletedEpochs} completed; recipe "
                  + $"<code>{WebUtility.HtmlEncode(o.Recipe)}</code>.</p>"
            );
        sb.Append("<img src=\"curves.png\" width=\"1280\" alt=\"loss and accuracy curves\">");
        sb.Append(
            "<h2>Epochs</h2><table><tr><th>epoch</th><th>lr</th><th>train loss</th><th>train top-1</th><th>test "
            + "loss</th><th>test top-1</th><th>test top-5</th><th>seconds</th><th>img/s</th></tr>"
        );
        foreach (var m in state.History)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<tr><td>{m.Epoch}</td><td>{m.LearningRate:G4}</td><td>{m.TrainLoss:F4}</td>"
                    + $"<td>{100 * m.TrainTop1:F2}</td><td>{m.TestLoss:F4}</td><td>{100 * m.TestTop1:F2}</td>"
                    + $"<td>{100 * m.TestTop5:F2}</td>"
                    + $"<td>{m.Seconds:F1}</td><td>{m.TrainImagesPerSecond:F0}</td></tr>"
            );
        sb.Append("</table>");
        sb.Append("<h2>Options</h2><pre>")
            .Append(WebUtility.HtmlEncode(JsonFile.Serialize(o)))
            .Append("</pre></body></html>");
        return sb.ToString();
    }
}
