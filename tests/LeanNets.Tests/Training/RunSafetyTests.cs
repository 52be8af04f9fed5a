using System.Security.Cryptography;
using LeanNets.IO;
using LeanNets.Reports;
using LeanNets.Tests.Data;
using LeanNets.Training;

namespace LeanNets.Tests.Training;

/// <summary>No run is ever lost: other directories, existing runs, interrupted commits, locks, corrupted
/// files.</summary>
public class RunSafetyTests
{
    private static (TempFolder Dir, string Data) ToyData()
    {
        var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data");
        SyntheticData.WriteToyIdx(data, train: 32, test: 16);
        return (dir, data);
    }

    private static TrainOptions Tiny(string data, int epochs) => ResumeTests.Tiny(data, epochs) with { EmaDecay = 0 };

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    [Fact]
    public void ResumingIntoAnotherDirectoryLeavesTheOriginalUntouched()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        string original = Path.Combine(dir.Path, "original"),
            copy = Path.Combine(dir.Path, "copy");
        Trainer.Run(Tiny(data, 1), original, [new RunReport()]);
        var before = Directory.GetFiles(original).ToDictionary(f => Path.GetFileName(f)!, Hash);

        var resumed = Trainer.Resume(new ResumeRequest(original, Epochs: 2, OutputDir: copy), [new RunReport()]);

        Assert.Equal(Path.GetFullPath(copy), Path.GetFullPath(resumed.RunDirectory));
        Assert.Equal(2, Checkpoint.ReadState(Path.Combine(copy, Trainer.LastCheckpoint)).CompletedEpochs);
        Assert.Equal(before, Directory.GetFiles(original).ToDictionary(f => Path.GetFileName(f)!, Hash));
    }

    [Fact]
    public void AnExistingRunIsNotReplacedWithoutForce()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        string run = Path.Combine(dir.Path, "run");
        Trainer.Run(Tiny(data, 1), run);
        string hash = Hash(Path.Combine(run, Trainer.LastCheckpoint));
        var e = Assert.Throws<LeanNetsUsageException>(() => Trainer.Run(Tiny(data, 1) with { Seed = 9 }, run));
        Assert.Contains(run, e.Message);
        Assert.Equal(hash, Hash(Path.Combine(run, Trainer.LastCheckpoint)));
        Trainer.Run(Tiny(data, 1) with { Seed = 9 }, run, force: true);
        Assert.NotEqual(hash, Hash(Path.Combine(run, Trainer.LastCheckpoint)));
    }

    [Fact]
    public void AResumeContinuesItsOwnRunOnly()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        string run = Path.Combine(dir.Path, "run");
        Trainer.Run(Tiny(data, 2), run);
        Assert.Throws<LeanNetsUsageException>(() => Trainer.Resume(new ResumeRequest(run, Model: "resnet50_cifar")));
        Assert.Throws<LeanNetsUsageException>(() => Trainer.Resume(new ResumeRequest(run, Data: dir.Path)));
        Assert.Throws<LeanNetsUsageException>(() => Trainer.Resume(new ResumeRequest(run, Epochs: 1)));
        // Without more epochs asked for, the run is complete: nothing is trained, nothing changes.
        string hash = Hash(Path.Combine(run, Trainer.LastCheckpoint));
        var result = Trainer.Resume(new ResumeRequest(run));
        Assert.Equal(2, result.State.CompletedEpochs);
        Assert.Equal(hash, Hash(Path.Combine(run, Trainer.LastCheckpoint)));
    }

    [Fact]
    public void AnInterruptedCommitIsFinishedByTheNextResume()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        string run = Path.Combine(dir.Path, "run");
        // Stop after last.ckpt is written and before best.ckpt is (a kill there used to lose the best weights).
        var stop = new StopAtCommitStep(1, CommitSteps.LastWritten);
        Assert.Throws<OperationCanceledException>(() => Trainer.Run(Tiny(data, 1), run, [new RunReport(), stop]));
        Assert.False(File.Exists(Path.Combine(run, Trainer.BestCheckpoint)));
        Assert.False(File.Exists(Path.Combine(run, "metrics.csv")));
        File.WriteAllText(Path.Combine(run, "last.ckpt" + AtomicFile.TempSuffix), "half a write");

        Trainer.Resume(new ResumeRequest(run), [new RunReport()]);

        Assert.Equal(1, Checkpoint.ReadState(Path.Combine(run, Trainer.BestCheckpoint)).CompletedEpochs);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);
        Assert.Empty(Directory.GetFiles(run, "*" + AtomicFile.TempSuffix));
    }

    [Fact]
    public void ASecondTrainingOnTheSameDirectoryIsRefused()
    {
        using var dir = new TempFolder();
        using (RunLock.Acquire(dir.Path))
        {
            var e = Assert.Throws<LeanNetsException>(() => RunLock.Acquire(dir.Path));
            Assert.Contains("in use", e.Message);
        }
        using var again = RunLock.Acquire(dir.Path); // released with its holder
    }

    [Fact]
    public void CorruptedAndTruncatedCheckpointsAreReportedAsSuch()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        string run = Path.Combine(dir.Path, "run");
        Trainer.Run(Tiny(data, 1), run);
        string path = Path.Combine(run, Trainer.LastCheckpoint);
        var bytes = File.ReadAllBytes(path);

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x40; // one weight bit
        File.WriteAllBytes(dir.File("flipped.ckpt"), flipped);
        var e = Assert.Throws<LeanNetsException>(() => Checkpoint.LoadModel(dir.File("flipped.ckpt")));
        Assert.Contains("checksum", e.Message);

        File.WriteAllBytes(dir.File("short.ckpt"), bytes[..^5]);
        e = Assert.Throws<LeanNetsException>(() => Checkpoint.LoadModel(dir.File("short.ckpt")));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void AFailedStartLeavesNoDirectory()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        string run = Path.Combine(dir.Path, "never");
        Assert.Throws<LeanNetsUsageException>(() => Trainer.Run(Tiny(data, 1) with { Classes = 7 }, run));
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void DeterministicRunsAreBitIdentical()
    {
        var (dir, data) = ToyData();
        using var _ = dir;
        var a = Trainer.Run(Tiny(data, 1), Path.Combine(dir.Path, "a"));
        var b = Trainer.Run(Tiny(data, 1), Path.Combine(dir.Path, "b"));
        Assert.Equal(TorchSharp.torch.get_num_threads(), a.State.Options.Threads);
        var (ma, _) = Checkpoint.LoadModel(Path.Combine(a.RunDirectory, Trainer.LastCheckpoint));
        var (mb, _) = Checkpoint.LoadModel(Path.Combine(b.RunDirectory, Trainer.LastCheckpoint));
        using (ma)
        using (mb)
        {
            var sb = mb.state_dict();
            foreach (var (name, tensor) in ma.state_dict())
                Assert.True(tensor.equal(sb[name]).all().item<bool>(), name);
        }
    }
}
