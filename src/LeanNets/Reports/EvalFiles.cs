using LeanNets.Inference;
using LeanNets.IO;
using LeanNets.Training;

namespace LeanNets.Reports;

/// <summary>eval.json as written: the evaluation's figures with what they were measured on.</summary>
public sealed record EvalSummary(
    string Model,
    string Checkpoint,
    string Data,
    long Images,
    double Top1,
    double Top5,
    double Loss,
    double ImagesPerSecond,
    IReadOnlyDictionary<string, double?> PerClass,
    int SkippedImages
)
{
    public static EvalSummary Of(EvalReport report) =>
        new(
            report.Model,
            report.Checkpoint,
            report.Data,
            report.Result.Images,
            report.Result.Top1,
            report.Result.Top5,
            report.Result.Loss,
            report.Result.ImagesPerSecond,
            report
                .Result.ClassNames.Zip(report.Result.PerClassAccuracy)
                .ToDictionary(p => p.First, p => double.IsNaN(p.Second) ? (double?)null : p.Second),
            report.SkippedImages
        );
}

/// <summary>Writes an evaluation's eval.json and confusion.png into a folder.</summary>
public static class EvalFiles
{
    public const string Json = "eval.json",
        Confusion = "confusion.png";

    /// <summary>Both files or neither (the folder is often a run's, so it is written into, not replaced).
    /// </summary>
    public static void Write(EvalReport report, string folder) =>
        AtomicDirectory.WriteInto(folder, temp =>
        {
            ConfusionMatrixImage.Save(Path.Combine(temp, Confusion), report.Result.Confusion,
                report.Result.ClassNames);
            JsonFile.Write(Path.Combine(temp, Json), EvalSummary.Of(report));
        });
}
