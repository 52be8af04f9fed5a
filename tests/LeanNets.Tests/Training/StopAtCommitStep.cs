using LeanNets.Training;

namespace LeanNets.Tests.Training;

/// <summary>Stops a run in-process at one step of one epoch's commit, as a kill there would (the run's own
/// observer: nothing global is set).</summary>
internal sealed class StopAtCommitStep(int stopEpoch, string stopStep) : ITrainingObserver
{
    public void OnCommitStep(int epoch, string step)
    {
        if (epoch == stopEpoch && step == stopStep)
            throw new OperationCanceledException($"stopped at epoch {epoch}, {step}");
    }
}
