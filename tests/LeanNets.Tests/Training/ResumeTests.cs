using LeanNets.Tests.Data;
using LeanNets.Training;

namespace LeanNets.Tests.Training;

/// <summary>A stopped and resumed run ends with exactly the weights of an uninterrupted one.</summary>
public class ResumeTests
{
    internal static TrainOptions Tiny(string data, int epochs) =>
        new()
        {
            Model = "vgnetg_1_0mp_cifar",
            Data = data,
            Epochs = epochs,
            BatchSize = 16,
            LearningRate = 0.05,
            WarmupEpochs = 1,
            Schedule = ScheduleKind.Cosine,
            Pad = 1,
            Flip = true,
            LabelSmoothing = 0.1,
            EmaDecay = 0.9,
            Deterministic = true,
            Seed = 3,
            Prefetch = 2,
        };

    [Fact]
    public void ResumedRunEqualsUninterruptedRun()
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data");
        SyntheticData.WriteToyIdx(data, train: 64, test: 32);

        var straight = Trainer.Run(Tiny(data, 3), Path.Combine(dir.Path, "straight"));
        string interrupted = Path.Combine(dir.Path, "interrupted");
        Trainer.Run(Tiny(data, 1), interrupted); // stops after epoch 1, as a killed run leaves its last checkpoint
        var resumed = Trainer.Resume(new ResumeRequest(interrupted, Epochs: 3), [new LeanNets.Reports.RunReport()]);

        Assert.Equal(3, resumed.State.CompletedEpochs);
        Assert.Equal(straight.State.History.Select(h => h.TrainLoss), resumed.State.History.Select(h => h.TrainLoss));
        var (a, _) = Checkpoint.LoadModel(Path.Combine(straight.RunDirectory, Trainer.LastCheckpoint));
        var (b, _) = Checkpoint.LoadModel(Path.Combine(interrupted, Trainer.LastCheckpoint));
        var sb = b.state_dict();
        foreach (var (name, tensor) in a.state_dict())
            Assert.True(tensor.equal(sb[name]).all().item<bool>(), name);
        foreach (
            var file in new[] { "metrics.csv", "metrics.jsonl", "curves.png", "report.html", Trainer.BestCheckpoint }
        )
            Assert.True(File.Exists(Path.Combine(interrupted, file)), file);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(interrupted, "metrics.csv")).Length); // header + 3 epochs
    }

    [Fact]
    public void ToyTaskIsLearned()
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data");
        SyntheticData.WriteToyIdx(data, train: 256, test: 64);
        // No flips: the toy classes differ by where the square is, so a mirror would swap labels.
        var result = Trainer.Run(
            Tiny(data, 4) with
            {
                EmaDecay = 0,
                LearningRate = 0.1,
                Flip = false,
            },
            Path.Combine(dir.Path, "run")
        );
        // Four classes: chance is 25%.
        Assert.True(result.FinalEval.Score >= 0.9, $"top-1 {result.FinalEval.Score}");
    }

    [Fact]
    public void SkippedImagesAreCountedAtTheEnd()
    {
        using var dir = new TempFolder();
        foreach (var split in new[] { "train", "val" })
            foreach (var (cls, color) in new[] { ("a", SkiaSharp.SKColors.Red), ("b", SkiaSharp.SKColors.Blue) })
            {
                string folder = Path.Combine(dir.Path, "data", split, cls);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < 4; i++)
                    SyntheticData.WritePng(Path.Combine(folder, $"{i}.png"), 20, 20, color);
            }
        File.WriteAllBytes(Path.Combine(dir.Path, "data", "train", "a", "broken.png"), [1, 2, 3]);
        var options = Tiny(Path.Combine(dir.Path, "data"), 2) with { SkipBad = true, InputSize = 16, EmaDecay = 0 };
        var result = Trainer.Run(options, Path.Combine(dir.Path, "run"));
        Assert.Equal(1, result.SkippedImages); // the one broken file, counted once over two epochs
        Assert.Throws<BadImageException>(() =>
            Trainer.Run(options with { SkipBad = false }, Path.Combine(dir.Path, "run2"))
        );
    }

    [Fact]
    public void CorruptCheckpointIsAClearError()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("bad.ckpt"), [1, 2, 3]);
        var e = Assert.Throws<LeanNetsException>(() => Checkpoint.ReadState(dir.File("bad.ckpt")));
        Assert.Contains("bad.ckpt", e.Message);
        Assert.Throws<LeanNetsException>(() => Checkpoint.ReadState(dir.File("missing.ckpt")));
    }
}
