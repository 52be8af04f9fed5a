using System.Globalization;
using System.Net;
using LeanNets.IO;
using LeanNets.Training;
using static LeanNets.Training.Tasks.ClassificationTask;

namespace LeanNets.Reports;

/// <summary>A classifier run's page: best top-1, curves.png (loss and accuracy) and every epoch.</summary>
internal static class ClassificationRunPage
{
    public static void Write(string runDirectory, TrainingState state)
    {
        TrainingCurves.Save(Path.Combine(runDirectory, RunReport.Curves), state.History);
        AtomicFile.WriteAllText(Path.Combine(runDirectory, RunReport.Page), Html(state));
    }

    /// <summary>With an EMA the average's score picks the epoch and its weights are the best ones: the model's own
    /// score is given beside it.</summary>
    private static string Average(EpochMetrics best) =>
        best.EmaScore.HasValue
            ? string.Create(CultureInfo.InvariantCulture, $"moving average; model {100 * best[TestTop1]:F2}%, ")
            : "";

    private static string Html(TrainingState state)
    {
        var o = state.Options;
        var best = state.History.FirstOrDefault(m => m.Epoch == state.BestEpoch);
        var sb = RunReport.Html("LeanNets run: " + o.Model);
        sb.Append("<h1>")
            .Append(WebUtility.HtmlEncode(o.Model))
            .Append(" on ")
            .Append(WebUtility.HtmlEncode(o.Data))
            .Append("</h1>");
        if (best != null)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<p>Best test top-1 <b>{100 * best.Selection:F2}%</b> ({Average(best)}top-5 "
                    + $"{100 * best[TestTop5]:F2}%) at epoch "
                    + $"{best.Epoch} of {state.CompletedEpochs} completed; recipe "
                    + $"<code>{WebUtility.HtmlEncode(o.Recipe)}</code>.</p>"
            );
        sb.Append($"<img src=\"{RunReport.Curves}\" width=\"1280\" alt=\"loss and accuracy curves\">");
        sb.Append(
            "<h2>Epochs</h2><table><tr><th>epoch</th><th>lr</th><th>train loss</th><th>train top-1</th><th>test "
                + "loss</th><th>test top-1</th><th>test top-5</th><th>seconds</th><th>img/s</th></tr>"
        );
        foreach (var m in state.History)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"<tr><td>{m.Epoch}</td><td>{m.LearningRate:G4}</td><td>{m.TrainLoss:F4}</td>"
                    + $"<td>{100 * m[TrainTop1]:F2}</td><td>{m[TestLoss]:F4}</td><td>{100 * m[TestTop1]:F2}</td>"
                    + $"<td>{100 * m[TestTop5]:F2}</td>"
                    + $"<td>{m.Seconds:F1}</td><td>{m.TrainImagesPerSecond:F0}</td></tr>"
            );
        sb.Append("</table>");
        return RunReport.Close(sb, o);
    }
}
