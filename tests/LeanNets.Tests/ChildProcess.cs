using System.Diagnostics;
using System.Text;

namespace LeanNets.Tests;

/// <summary>
/// Every child process a test starts goes through here: stdout and stderr are captured, and a child that outlives
/// its time limit is killed with its whole process tree and fails the test with what it printed, so one stuck
/// child costs its limit instead of CI's whole budget and leaves something to read.
/// </summary>
internal static class ChildProcess
{
    public sealed record Result(int Code, string Out, string Err);

    /// <summary>Runs <paramref name="start"/> to completion or <paramref name="timeout"/>, whichever comes first.
    /// <paramref name="onLine"/> sees each stdout line as it arrives, with the process (to kill it, say).</summary>
    public static Result Run(ProcessStartInfo start, TimeSpan timeout, Action<string, Process>? onLine = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        // A child that reads stdin sees end-of-file instead of waiting for a terminal that is not there.
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        var readOut = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lock (output)
                    output.AppendLine(line);
                onLine?.Invoke(line, process);
            }
        });
        var readErr = Task.Run(() =>
        {
            while (process.StandardError.ReadLine() is { } line)
                lock (error)
                    error.AppendLine(line);
        });
        var clock = Stopwatch.StartNew();
        bool finished = false;
        try
        {
            finished = Task.WaitAll([readOut, readErr], timeout) && process.WaitForExit(Remaining(timeout, clock));
        }
        finally
        {
            // A reader or the caller's line handler that threw must not leave the child running.
            if (!finished)
                KillTree(process);
        }
        if (!finished)
        {
            // The pipes close with the tree; give the readers a moment to drain what was printed.
            Task.WaitAll([readOut, readErr], TimeSpan.FromSeconds(10));
            Assert.Fail(
                $"{Describe(start)} did not finish within {timeout.TotalSeconds:0} s and was killed\n"
                    + $"--- stdout (last lines) ---\n{Tail(output)}\n--- stderr (last lines) ---\n{Tail(error)}"
            );
        }
        lock (output)
            lock (error)
                return new Result(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>A process from a file name and arguments, with extra environment variables.</summary>
    public static ProcessStartInfo Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null
    )
    {
        var start = new ProcessStartInfo(fileName);
        foreach (string a in arguments)
            start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        if (workingDirectory != null)
            start.WorkingDirectory = workingDirectory;
        return start;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the wait and the kill.
        }
    }

    private static TimeSpan Remaining(TimeSpan timeout, Stopwatch clock) =>
        timeout > clock.Elapsed ? timeout - clock.Elapsed : TimeSpan.Zero;

    private static string Describe(ProcessStartInfo start) =>
        string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList.Take(6)));

    private static string Tail(StringBuilder text)
    {
        lock (text)
        {
            var lines = text.ToString().Split('\n');
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
        }
    }
}
