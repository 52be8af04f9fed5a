using System.Diagnostics;
using System.Text;

namespace LeanNets.Tests;

/// <summary>
/// Every child process a test starts goes through here: stdout and stderr are captured, and a child that outlives
/// its time limit is killed with its whole process tree and fails the test with what it printed, so one stuck
/// child costs its limit instead of CI's whole budget and leaves something to read. A memory limit is enforced the
/// same way: the child's resident memory is sampled, and a child over it is killed and fails the test, so a broken
/// resource guard shows as a failed test instead of the OOM killer taking the machine.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The exit code, what was printed, and the largest resident memory seen (sampled).</summary>
    public sealed record Result(int Code, string Out, string Err)
    {
        public long PeakResidentBytes { get; init; }
    }

    /// <summary>Runs <paramref name="start"/> to completion or <paramref name="timeout"/>, whichever comes first.
    /// <paramref name="onLine"/> sees each stdout line as it arrives, with the process (to kill it, say).
    /// With <paramref name="maxResidentBytes"/>, the child's resident memory is sampled every 20 ms and a child
    /// over it is killed and fails the test.</summary>
    public static Result Run(ProcessStartInfo start, TimeSpan timeout, Action<string, Process>? onLine = null,
        long? maxResidentBytes = null)
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
        long peak = 0;
        var watch = Task.Run(() =>
        {
            // Sampled while the child lives; a fast allocation overshoots the limit by at most 20 ms of growth.
            while (!process.HasExited)
            {
                peak = Math.Max(peak, ResidentBytes(process.Id));
                if (peak > maxResidentBytes)
                {
                    KillTree(process);
                    return;
                }
                Thread.Sleep(20);
            }
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
        watch.Wait(TimeSpan.FromSeconds(10)); // the child is gone by now, so its sampler ends too
        if (!finished)
        {
            // The pipes close with the tree; give the readers a moment to drain what was printed.
            Task.WaitAll([readOut, readErr], TimeSpan.FromSeconds(10));
            Assert.Fail(
                $"{Describe(start)} did not finish within {timeout.TotalSeconds:0} s and was killed\n"
                    + $"--- stdout (last lines) ---\n{Tail(output)}\n--- stderr (last lines) ---\n{Tail(error)}"
            );
        }
        if (peak > maxResidentBytes)
            Assert.Fail(
                $"{Describe(start)} held {peak / 1e9:F2} GB, over its {maxResidentBytes / 1e9:F2} GB limit, and was "
                    + $"killed\n--- stdout (last lines) ---\n{Tail(output)}\n--- stderr (last lines) ---\n{Tail(error)}"
            );
        lock (output)
            lock (error)
                return new Result(process.ExitCode, output.ToString(), error.ToString()) { PeakResidentBytes = peak };
    }

    /// <summary>VmRSS of a live process (0 once it is gone or where /proc cannot be read).</summary>
    private static long ResidentBytes(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status")
                .FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line == null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
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
