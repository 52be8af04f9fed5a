using System.Runtime.InteropServices;

namespace LeanNets.Cli;

/// <summary>
/// Ctrl-C, SIGTERM and SIGHUP. A command that stops cleanly (training: it finishes the batch, keeps its last
/// committed epoch, releases run.lock) marks itself <see cref="Graceful"/> and is cancelled through
/// <see cref="Token"/> on the first signal; a second signal, or any signal to another command, ends the process
/// at once, after removing the temporary files of writes in progress. Either way one line on stderr says what
/// happened, and the exit code is 128 + the signal's number.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;
    private readonly TextWriter error;
    private int received;

    public StopSignals(TextWriter error)
    {
        this.error = error;
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
        Current = this;
    }

    /// <summary>The signals of the command running in this process (null outside one).</summary>
    public static StopSignals? Current { get; private set; }

    public CancellationToken Token => source.Token;

    /// <summary>Set by a command that stops cleanly when <see cref="Token"/> is cancelled.</summary>
    public bool Graceful { get; set; }

    /// <summary>128 + the number of the signal received (0 before any).</summary>
    public int ExitCode { get; private set; }

    private void Handle(PosixSignalContext context)
    {
        var (name, number) = context.Signal switch
        {
            PosixSignal.SIGINT => ("interrupted (SIGINT)", 2),
            PosixSignal.SIGHUP => ("hung up (SIGHUP)", 1),
            _ => ("terminated (SIGTERM)", 15),
        };
        ExitCode = 128 + number;
        if (Graceful && Interlocked.Increment(ref received) == 1)
        {
            context.Cancel = true;
            error.WriteLine(
                $"leannets: {name}: stopping after the current batch or evaluation (a second signal stops at once)");
            source.Cancel();
            return;
        }
        // Not cancelled: the runtime ends the process as the signal would. Every write is atomic, so the targets
        // hold their old content; what a write in progress leaves (its hidden temporary) is removed first.
        IO.TempPaths.DeleteAll();
        error.WriteLine($"leannets: {name}: stopped; no partial file is left");
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
            registration.Dispose();
        if (Current == this)
            Current = null;
        source.Dispose();
    }
}
