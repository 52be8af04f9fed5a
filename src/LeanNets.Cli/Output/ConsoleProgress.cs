using System.Globalization;
using LeanNets.Training;
using LeanNets.Training.Detection;

namespace LeanNets.Cli.Output;

/// <summary>
/// Training progress for people: one self-updating line on a terminal; on a pipe or CI log, a plain
/// line every tenth of an epoch, so logs stay readable.
/// </summary>
public sealed class ConsoleProgress(TextWriter output, bool interactive) : ITrainingObserver, IDetectionObserver
{
    private int lastDecile = -1;
    private DateTime lastDraw;

    public void OnStart(TrainingStart start)
    {
        var o = start.State.Options;
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"training {o.Model} ({start.Parameters:N0} params) on {o.Data}: epochs "
                + $"{start.State.CompletedEpochs + 1}..{o.Epochs}, {start.BatchesPerEpoch} batches of "
                  + $"{o.BatchSize}, input {Input(start.State.Data)}, recipe {o.Recipe}"
            )
        );
        output.WriteLine($"run directory: {start.RunDirectory}");
        if (start.InitializedFrom != null)
            output.WriteLine($"initialised from {start.State.Options.InitFrom}: {start.InitializedFrom}");
    }

    public void OnStart(string runDirectory, DetectionRunState state)
    {
        var o = state.Options;
        output.WriteLine(
            $"training {o.Model} on {string.Join(" + ", o.Data)}: epochs {state.CompletedEpochs + 1}..{o.Epochs}, "
                + $"batches of {o.BatchSize}, {o.InputSize}x{o.InputSize}, classes "
                + string.Join(", ", state.ClassNames)
        );
        output.WriteLine($"run directory: {runDirectory}");
    }

    public void OnEpoch(DetectionEpochEnd end)
    {
        EndEpoch();
        output.WriteLine(end.Metrics.Describe(end.State.Options.Epochs) + (end.Best ? "  (best)" : ""));
    }

    private static string Input(LeanNets.Data.DataConfig? data) =>
        data == null ? "as recorded" : $"{data.Channels}x{data.InputSize}x{data.InputSize}";

    private void EndEpoch()
    {
        if (interactive)
            output.WriteLine();
        lastDecile = -1;
    }

    public void OnBatch(BatchProgress p)
    {
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches}  loss {p.Loss:F4}  lr {p.LearningRate:G3}  "
            + $"{p.ImagesPerSecond:F0} img/s  ETA {p.Eta:mm\\:ss}"
        );
        if (interactive)
        {
            if (p.Batch != p.Batches && (DateTime.UtcNow - lastDraw).TotalMilliseconds < 200)
                return;
            lastDraw = DateTime.UtcNow;
            output.Write("\r" + line.PadRight(100));
            return;
        }
        int decile = p.Batch * 10 / p.Batches;
        if (decile == lastDecile || decile == 0)
            return;
        lastDecile = decile;
        output.WriteLine(line);
    }

    public void OnEpoch(EpochEnd end)
    {
        var (m, best) = (end.Metrics, end.Best);
        EndEpoch();
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {m.Epoch}: train loss {m.TrainLoss:F4} top-1 {100 * m.TrainTop1:F2}% | "
                    + $"test loss {m.TestLoss:F4} top-1 {100 * m.TestTop1:F2}% top-5 {100 * m.TestTop5:F2}%"
                    + $"{(m.EmaTop1 is double e ? $" EMA {100 * e:F2}%" : "")} | "
                    + $"{m.Seconds:F0}s{(best ? "  (best)" : "")}"
            )
        );
    }
}
