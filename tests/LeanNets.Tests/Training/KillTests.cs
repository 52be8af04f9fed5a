using System.Diagnostics;
using LeanNets.Tests.Data;
using LeanNets.Training;

namespace LeanNets.Tests.Training;

/// <summary>
/// Real kills: a child `leannets train` is SIGKILLed at each step of the end-of-epoch commit and at timed points
/// inside epochs, resumed until done, and its final weights compared byte for byte with an uninterrupted run's.
/// </summary>
public class KillTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "LeanNets.Cli.dll");

    private static string[] TrainArgs(string data, string run) =>
        [
            "train",
            "vgnetg_1_0mp_cifar",
            "--data",
            data,
            "--output",
            run,
            "--epochs",
            "3",
            "--batch-size",
            "16",
            "--lr",
            "0.05",
            "--warmup",
            "1",
            "--deterministic",
            "--threads",
            "1",
            "--seed",
            "5",
            "--no-tensorboard",
        ];

    /// <param name="killWhen">kill the child when it prints a line starting with this (mid-epoch progress).</param>
    private static (int Code, string Error) Leannets(
        IEnumerable<string> args,
        string? killAt = null,
        string? killWhen = null
    )
    {
        var env = new Dictionary<string, string>();
        if (killAt != null)
            env[KillAtCommitStep.EnvironmentVariable] = killAt;
        // A toy run is seconds long; three minutes bounds a child that hangs instead of dying.
        var result = ChildProcess.Run(
            ChildProcess.Start("dotnet", [Cli, .. args], env),
            TimeSpan.FromMinutes(3),
            (line, child) =>
            {
                if (killWhen != null && line.StartsWith(killWhen, StringComparison.Ordinal))
                    child.Kill();
            }
        );
        return (result.Code, result.Err);
    }

    private static byte[] Weights(string run)
    {
        var (model, _) = Checkpoint.LoadModel(Path.Combine(run, Trainer.LastCheckpoint));
        using (model)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                model.save(writer);
            return stream.ToArray();
        }
    }

    [Fact]
    public void KilledAtAnyPointTheRunResumesToTheSameWeights()
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data");
        SyntheticData.WriteToyIdx(data, train: 64, test: 16);
        string straight = Path.Combine(dir.Path, "straight");
        var (code, error) = Leannets(TrainArgs(data, straight));
        Assert.True(code == 0, error);
        var expected = Weights(straight);

        var points = new List<(string? KillAt, string? KillWhen)>
        {
            ("1:before-commit", null),
            ("1:last-written", null),
            ("2:best-written", null),
            ("3:last-written", null),
            (null, "epoch 2/3 batch"),
        };
        foreach (var (killAt, killWhen) in points)
        {
            string run = Path.Combine(dir.Path, $"killed-{killAt?.Replace(':', '-') ?? "mid-epoch"}");
            var (killedCode, _) = Leannets(TrainArgs(data, run), killAt, killWhen);
            Assert.NotEqual(0, killedCode);
            // Resume until the run completes (a kill before the first commit leaves nothing to resume: start again);
            // the run knows its model, so the resume names none.
            bool started = File.Exists(Path.Combine(run, Trainer.LastCheckpoint));
            (code, error) = started
                ? Leannets(["train", "--resume", run, "--threads", "1", "--no-tensorboard"])
                : Leannets(TrainArgs(data, run).Append("--force"));
            Assert.True(code == 0, $"{killAt}: {error}");
            Assert.Empty(Directory.GetFiles(run, "*.tmp"));
            Assert.True(File.Exists(Path.Combine(run, Trainer.BestCheckpoint)), $"{killAt}: best.ckpt");
            Assert.Equal(expected, Weights(run));
        }
    }

    /// <summary>Ctrl-C, SIGTERM or SIGHUP mid-epoch: the run finishes its batch, says which epoch it keeps and how to
    /// resume, releases run.lock, leaves no temporary file and exits 128 + the signal; the resume completes it.
    /// </summary>
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    public void ASignalStopsTheRunCleanly(string signal, int expected)
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data"), run = Path.Combine(dir.Path, "run");
        SyntheticData.WriteToyIdx(data, train: 64, test: 16);
        bool sent = false;
        // A job started in the background inherits SIGINT ignored (as `leannets train &` does), and so may this test
        // process: env resets the signal to its default in the child, as a terminal's foreground job has it.
        var result = ChildProcess.Run(
            ChildProcess.Start("env", [$"--default-signal={signal}", "dotnet", Cli, .. TrainArgs(data, run)],
                new Dictionary<string, string>()),
            TimeSpan.FromMinutes(3),
            (line, child) =>
            {
                if (sent || !line.StartsWith("epoch 2/3 batch", StringComparison.Ordinal))
                    return;
                sent = true;
                using var kill = Process.Start("kill", [$"-{signal}", child.Id.ToString()]);
                kill.WaitForExit(10_000);
            }
        );
        Assert.True(sent, result.Out);
        Assert.True(expected == result.Code, $"exit {result.Code}: {result.Err}");
        Assert.Contains($"stopped: the last committed epoch is 1; resume with `leannets train --resume {run}`",
            result.Err);
        Assert.False(File.Exists(Path.Combine(run, "run.lock")), "run.lock released");
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));
        var (code, error) = Leannets(["train", "--resume", run, "--threads", "1", "--no-tensorboard"]);
        Assert.True(code == 0, error);
        Assert.Equal(3, Checkpoint.ReadState(Path.Combine(run, Trainer.LastCheckpoint)).CompletedEpochs);
    }

    /// <summary>A signal to a command that is not training ends it at once, and the write it was in the middle of
    /// (viz's report, built in a hidden temporary folder) leaves nothing: neither the report nor the temporary.
    /// </summary>
    [Fact]
    public void ASignalToAnotherCommandLeavesNoTemporary()
    {
        using var dir = new TempFolder();
        string picture = Path.Combine(dir.Path, "picture.png"), report = Path.Combine(dir.Path, "viz");
        SyntheticData.WritePng(picture, 64, 64, SkiaSharp.SKColors.Olive);
        bool seen = false;
        // The shell prints its pid and becomes the command (exec), so the first line names the process to signal.
        var result = ChildProcess.Run(
            ChildProcess.Start("sh", ["-c", "echo $$; exec env --default-signal=TERM \"$@\"", "sh", "dotnet", Cli,
                "viz", "report", "vgnetg_1_0mp_cifar", "--image", picture, "--input-size", "64", "--out", report,
                "--threads", "1"]),
            TimeSpan.FromMinutes(3),
            (line, _) =>
            {
                if (!int.TryParse(line, out int pid))
                    return;
                var clock = Stopwatch.StartNew();
                while (!seen && clock.Elapsed < TimeSpan.FromMinutes(2))
                {
                    seen = Directory.EnumerateDirectories(dir.Path, ".viz.*.tmp").Any();
                    Thread.Sleep(seen ? 0 : 5);
                }
                using var kill = Process.Start("kill", ["-TERM", pid.ToString()]);
                kill.WaitForExit(10_000);
            }
        );
        Assert.True(seen, "the report's temporary folder never appeared: " + result.Err);
        Assert.True(result.Code == 143, $"exit {result.Code}: {result.Err}");
        Assert.Contains("terminated (SIGTERM): stopped; no partial file is left", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path, ".*"));
        Assert.False(Directory.Exists(report));
    }
}
