using System.Globalization;
using System.Net;
using System.Text;
using LeanNets.IO;
using LeanNets.Models;
using LeanNets.Training;

namespace LeanNets.Reports;

/// <summary>
/// A training run's files, for every task: metrics.csv and metrics.jsonl (the engine's columns, then the task's
/// figures), and the task's page (curves.png and report.html; a detector adds pr.png). An observer of training
/// that rewrites them after each committed epoch, and at the start of a resume (so an epoch whose report a kill
/// interrupted is written then).
/// </summary>
public sealed class RunReport : ITrainingObserver
{
    public const string Page = "report.html",
        Curves = "curves.png";

    public void OnStart(TrainingStart start)
    {
        if (start.State.History.Count > 0)
            Write(start.RunDirectory, start.State, null);
    }

    public void OnEpoch(EpochEnd end) => Write(end.RunDirectory, end.State, end.Evaluation);

    /// <param name="latest">the last epoch's evaluation when known (a detector's page then shows its per-class
    /// AP).</param>
    public static void Write(string runDirectory, TrainingState state, TaskEvaluation? latest)
    {
        var rows = state.History.Select(Row).ToList();
        var csv = new StringBuilder();
        // Every column any epoch has (a run resumed by a newer LeanNets gains figures), empty where an epoch lacks it.
        var columns = rows.SelectMany(r => r.Keys).Distinct().ToList();
        if (rows.Count > 0)
            csv.AppendLine(string.Join(',', columns));
        foreach (var row in rows)
            csv.AppendLine(string.Join(',', columns.Select(c =>
                Convert.ToString(row.GetValueOrDefault(c), CultureInfo.InvariantCulture))));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "metrics.csv"), csv.ToString());
        AtomicFile.WriteAllText(
            Path.Combine(runDirectory, "metrics.jsonl"),
            string.Concat(rows.Select(r => JsonFile.SerializeLine(r) + "\n"))
        );
        if (state.Options.Task == ModelCard.Detect)
            DetectionRunPage.Write(runDirectory, state, latest?.Details as Measures.DetectionScores);
        else
            ClassificationRunPage.Write(runDirectory, state);
    }

    /// <summary>An epoch as one flat row: epoch, lr, train_loss, the task's figures, score, time, speed, EMA.
    /// </summary>
    private static Dictionary<string, double?> Row(EpochMetrics m)
    {
        var row = new Dictionary<string, double?>
        {
            ["epoch"] = m.Epoch,
            ["lr"] = m.LearningRate,
            ["train_loss"] = m.TrainLoss,
        };
        foreach (var (name, value) in m.Values)
            row[name] = value;
        row["score"] = m.Score;
        row["seconds"] = m.Seconds;
        row["train_images_per_second"] = m.TrainImagesPerSecond;
        row["ema_score"] = m.EmaScore;
        return row;
    }

    /// <summary>The start of a run page: head, title and the tables' style; the body is open.</summary>
    internal static StringBuilder Html(string title) =>
        new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title))
            .Append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1300px}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
            .Append("th{background:#f4f4f4}</style></head><body>");

    /// <summary>The end of a run page: the run's options, then the body closes.</summary>
    internal static string Close(StringBuilder page, TrainOptions options) =>
        page.Append("<h2>Options</h2><pre>")
            .Append(WebUtility.HtmlEncode(JsonFile.Serialize(options)))
            .Append("</pre></body></html>")
            .ToString();
}
