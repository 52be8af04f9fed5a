namespace LeanNets.Training;

/// <summary>A run stopped on request (a signal, a cancelled token) between two batches: what it kept and how to
/// go on.</summary>
public sealed class TrainingStoppedException(string runDirectory, int committedEpochs, Exception inner)
    : LeanNetsException(Describe(runDirectory, committedEpochs), inner)
{
    public string RunDirectory { get; } = runDirectory;
    public int CommittedEpochs { get; } = committedEpochs;

    private static string Describe(string run, int epochs) =>
        epochs == 0
            ? "stopped before the first epoch was committed: nothing to resume"
            : $"stopped: the last committed epoch is {epochs}; resume with `leannets train --resume {run}`";
}
