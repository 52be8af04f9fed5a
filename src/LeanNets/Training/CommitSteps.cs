using System.Diagnostics;

namespace LeanNets.Training;

/// <summary>The steps of the end-of-epoch commit, in order, as observers hear them.</summary>
public static class CommitSteps
{
    public const string BeforeCommit = "before-commit",
        LastWritten = "last-written",
        BestWritten = "best-written";
}

/// <summary>Hears each step of the end-of-epoch commit (<see cref="CommitSteps"/>): how tests stop a run at an
/// exact point of it. Every training observer is one; the method is optional.
/// </summary>
public interface ICommitObserver
{
    void OnCommitStep(int epoch, string step) { }
}

/// <summary>
/// Kills the process (SIGKILL) at one commit step, named by the environment variable
/// <c>LEANNETS_TEST_KILL_AT=EPOCH:STEP</c>: the kill tests run the real CLI in a child process with it, and the
/// CLI adds this observer when the variable is set (it never is otherwise).
/// </summary>
public sealed class KillAtCommitStep(string at) : ITrainingObserver
{
    public const string EnvironmentVariable = "LEANNETS_TEST_KILL_AT";

    public static KillAtCommitStep? FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } at ? new KillAtCommitStep(at) : null;

    public void OnCommitStep(int epoch, string step)
    {
        if (at == $"{epoch}:{step}")
            Process.GetCurrentProcess().Kill();
    }
}
