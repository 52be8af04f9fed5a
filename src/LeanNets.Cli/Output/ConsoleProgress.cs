using System.Globalization;
using LeanNets.Training;

namespace LeanNets.Cli.Output;

/// <summary>
/// Training progress for people: one self-updating line on a terminal; on a pipe or CI log, a plain
/// line every tenth of an epoch, so logs stay readable.
/// </summary>
public sealed class ConsoleProgress(TextWriter output, bool interactive) : ITrainingObserver
{
    private int lastDecile = -1;
    private DateTime lastDraw;

    public void OnStart(TrainingStart start)
    {
        var (o, data) = (start.State.Options, start.State.Data);
        if (start.State.CompletedEpochs >= o.Epochs)
        {
            // A finished run resumed (after a kill, to finish its last commit, or by mistake): nothing to train.
            output.WriteLine($"{start.RunDirectory} has completed all {o.Epochs} epochs: nothing to train "
                + "(--epochs N continues it further)");
            return;
        }
        string input = data == null ? "as recorded" : $"{data.Channels}x{data.InputSize}x{data.InputSize}";
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"training {o.Model} ({start.Parameters:N0} params) on {o.Data}: epochs "
                    + $"{start.State.CompletedEpochs + 1}..{o.Epochs}, {start.BatchesPerEpoch} batches of "
                    + $"{o.BatchSize}, input {input}, recipe {o.Recipe}, classes {Classes(start.State.ClassNames)}"
            )
        );
        output.WriteLine($"run directory: {start.RunDirectory}");
        foreach (string note in start.Notes)
            output.WriteLine(note);
        if (start.InitializedFrom != null)
            output.WriteLine($"initialised from {start.State.Options.InitFrom}: {start.InitializedFrom}");
    }

    private static string Classes(IReadOnlyList<string>? names) =>
        names == null ? "as recorded"
        : names.Count <= 10 ? string.Join(", ", names)
        : $"{names.Count} ({string.Join(", ", names.Take(3))}, ...)";

    public void OnBatch(BatchProgress p)
    {
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches}  loss {p.Loss:F4}  "
                + $"lr {Units.Rate(p.LearningRate)}  "
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
        if (interactive)
            output.WriteLine();
        lastDecile = -1;
        output.WriteLine(end.Summary + (end.Best ? "  (best)" : ""));
    }
}
