using LeanNets.Tests.Data;

namespace LeanNets.Tests.Cli;

public class TrainCliTests
{
    [Fact]
    public void MissingDataFolderIsAFailureWithOneLine()
    {
        var (code, _, error) = CliTests.Run(
            "train",
            "vgnetg_1_0mp_cifar",
            "--data",
            "/nonexistent/folder",
            "--epochs",
            "1"
        );
        Assert.Equal(1, code);
        Assert.Equal("leannets: error: data folder not found: /nonexistent/folder", error.Trim());
    }

    [Theory]
    [InlineData("--recipe", "nope")]
    [InlineData("--epochs", "0")]
    [InlineData("--lr", "-1")]
    [InlineData("--optimizer", "rmsprop")]
    public void BadOptionsAreUsageErrors(string option, string value)
    {
        using var dir = new TempFolder();
        SyntheticData.WriteToyIdx(dir.Path, 8, 8);
        var (code, _, error) = CliTests.Run("train", "vgnetg_1_0mp_cifar", "--data", dir.Path, option, value);
        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
    }

    /// <summary>Image folders have no one picture size: training takes the model's own input (32 for a CIFAR
    /// VGNet, as timm's data config defaults to the model's) and the start line says so.</summary>
    [Fact]
    public void ImageFoldersTrainAtTheModelsInputSize()
    {
        using var dir = new TempFolder();
        string data = dir.File("folders");
        var colours = new Dictionary<string, SkiaSharp.SKColor>
        {
            ["red"] = SkiaSharp.SKColors.Red,
            ["blue"] = SkiaSharp.SKColors.Blue,
        };
        foreach (var split in new[] { "train", "val" })
            foreach (var (name, colour) in colours)
                for (int i = 0; i < 4; i++)
                {
                    Directory.CreateDirectory(Path.Combine(data, split, name));
                    SyntheticData.WritePng(Path.Combine(data, split, name, $"{i}.png"), 40 + i, 30, colour);
                }
        string run = dir.File("run");
        var (code, output, error) = CliTests.Run(
            "train", "vgnetg_1_0mp_cifar", "--data", data, "--epochs", "1", "--batch-size", "4", "--output", run,
            "--no-tensorboard");
        Assert.True(code == 0, error);
        Assert.Contains("input 3x32x32", output);
        var state = LeanNets.Training.Checkpoint.ReadState(Path.Combine(run, "last.ckpt"));
        Assert.Equal(32, state.Options.InputSize);
    }

    [Fact]
    public void TrainEvalAndKernelsEndToEnd()
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data"),
            run = Path.Combine(dir.Path, "run");
        SyntheticData.WriteToyIdx(data, 64, 32);
        var (code, output, error) = CliTests.Run(
            "train",
            "vgnetg_1_0mp_cifar",
            "--data",
            data,
            "--epochs",
            "2",
            "--batch-size",
            "16",
            "--output",
            run,
            "--lr",
            "0.05"
        );
        Assert.True(code == 0, error);
        Assert.Contains("epoch 2:", output);
        Assert.Contains("best test top-1", output);
        Assert.Contains(Path.Combine(run, "best.safetensors"), output);

        (code, _, error) = CliTests.Run(
            "eval",
            "vgnetg_1_0mp_cifar",
            "--checkpoint",
            Path.Combine(run, "best.ckpt"),
            "--data",
            data
        );
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(run, "confusion.png")));
        // The evaluation of best.ckpt repeats exactly what the run recorded for its best epoch.
        var best = LeanNets.Training.Checkpoint.ReadState(Path.Combine(run, "best.ckpt"));
        using (var eval = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json"))))
        {
            var recorded = best.History.Single(h => h.Epoch == best.BestEpoch);
            // The same checkpoint scored by the same code: equal up to round-off.
            Near.Equal(recorded["test_top1"], eval.RootElement.GetProperty("top1").GetDouble(), 1e-12);
            Near.Equal(recorded["test_top5"], eval.RootElement.GetProperty("top5").GetDouble(), 1e-12);
            Assert.Equal(32, eval.RootElement.GetProperty("images").GetInt64());
        }
        var jsonl = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(2, jsonl.Length);
        Assert.Contains("\"test_top1\":", jsonl[0]);
        Assert.True(Directory.GetFiles(Path.Combine(run, "tensorboard")).Length > 0, "TensorBoard events written");

        (code, _, error) = CliTests.Run(
            "eval",
            "resnet50",
            "--checkpoint",
            Path.Combine(run, "best.ckpt"),
            "--data",
            data
        );
        Assert.Equal(2, code);
        Assert.Contains("holds a 'vgnetg_1_0mp_cifar'", error);

        string kernels = Path.Combine(dir.Path, "kernels");
        (code, _, error) = CliTests.Run(
            "kernels",
            "vgnetg_1_0mp_cifar",
            "--checkpoint",
            Path.Combine(run, "last.ckpt"),
            "--output",
            kernels,
            "--layers",
            "3"
        );
        Assert.True(code == 0, error);
        Assert.Equal(3, Directory.GetFiles(kernels, "*.png").Length);
        Assert.Contains("<img", File.ReadAllText(Path.Combine(kernels, "kernels.html")));
    }
}
