using LeanNets.Training;
using static LeanNets.Training.Tasks.ClassificationTask;

namespace LeanNets.Reports;

/// <summary>A classifier run's loss and accuracy per epoch, side by side in one PNG (curves.png).</summary>
public static class TrainingCurves
{
    public static void Save(string path, IReadOnlyList<EpochMetrics> history)
    {
        static IReadOnlyList<(double, double)> Points(IReadOnlyList<EpochMetrics> h, Func<EpochMetrics, double> f) =>
            h.Select(m => ((double)m.Epoch, f(m))).ToList();
        var loss = Plots.Lines(
            "Loss",
            "epoch",
            "cross-entropy",
            [("train", Points(history, m => m.TrainLoss)), ("test", Points(history, m => m[TestLoss]))],
            integerX: true
        );
        var accuracySeries = new List<(string, IReadOnlyList<(double, double)>)>
        {
            ("train", Points(history, m => 100 * m[TrainTop1])),
            ("test", Points(history, m => 100 * m[TestTop1])),
        };
        if (history.Any(m => m.EmaScore.HasValue))
            accuracySeries.Add(("test (EMA)", Points(history, m => 100 * (m.EmaScore ?? double.NaN))));
        var accuracy = Plots.Lines("Accuracy", "epoch", "top-1 (%)", accuracySeries, integerX: true);
        Plots.SaveRow(path, [loss, accuracy]);
    }
}
