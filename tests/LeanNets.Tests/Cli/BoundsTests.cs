using LeanNets.Data.Detection;
using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Tests.Data;
using LeanNets.Training;
using static TorchSharp.torch;

namespace LeanNets.Tests.Cli;

/// <summary>Work that cannot fit is refused before it starts, and damaged inputs are named in one line: the rows of
/// the bounds re-test that failed before (issue 24).</summary>
public class BoundsTests
{
    /// <summary>Every floating-point training setting refuses NaN and both infinities by name (NaN fails every
    /// comparison, so a range written as "not below the minimum" would let it through).</summary>
    [Fact]
    public void NaNAndInfinityAreRefusedForEveryFloatingSetting()
    {
        var valid = new TrainOptions { Model = "vgnetg_1_0mp_cifar", Data = "DATA", Epochs = 4 };
        valid.ValidateRanges();
        var settings = new (string Name, Func<double, TrainOptions> With)[]
        {
            ("learning rate", v => valid with { LearningRate = v }),
            ("momentum", v => valid with { Momentum = v }),
            ("weight decay", v => valid with { WeightDecay = v }),
            ("warmup epochs", v => valid with { WarmupEpochs = v }),
            ("warm-up bias learning rate", v => valid with { WarmupBiasLr = v }),
            ("step-schedule factor", v => valid with { StepGamma = v }),
            ("label smoothing", v => valid with { LabelSmoothing = v }),
            ("gradient clipping norm", v => valid with { ClipGradNorm = v }),
            ("EMA decay", v => valid with { EmaDecay = v }),
        };
        foreach (var (name, with) in settings)
            foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                var e = Assert.Throws<LeanNetsUsageException>(() => with(bad).ValidateRanges());
                Assert.Contains(name, e.Message);
            }
    }

    /// <summary>Row 3: the checksum covers the header, so an edited header is refused as such; a header that
    /// passes the checksum but breaks the state's rules (written by hand) is named, never used.</summary>
    [Fact]
    public void ACheckpointIsVerifiedWhole()
    {
        using var dir = new TempFolder();
        string path = dir.File("last.ckpt");
        using var model = ModelRegistry.Create("vgnetg_1_0mp_cifar", 4, 1);
        var options = new TrainOptions { Model = "vgnetg_1_0mp_cifar", Data = "DATA", Epochs = 3 };
        using (var optimizer = new Optimizer(model, options))
            Checkpoint.Save(path, new TrainingState(options, 0, 0, []), model, optimizer, null);
        Assert.Equal(0, Checkpoint.ReadState(path).CompletedEpochs);

        var bytes = File.ReadAllBytes(path);
        string text = System.Text.Encoding.Latin1.GetString(bytes);
        int at = text.IndexOf("\"completed_epochs\": 0", StringComparison.Ordinal);
        Assert.True(at > 0);
        bytes[at + "\"completed_epochs\": ".Length] = (byte)'9';
        File.WriteAllBytes(path, bytes);
        var edited = Assert.Throws<LeanNetsException>(() => Checkpoint.ReadState(path));
        Assert.Contains("checksum mismatch", edited.Message);
        // Row 4: every reader verifies the file before use, `compare` included.
        var (code, _, error) = CliTests.Run("compare", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("checksum mismatch", error);
        // Bit rot in the weights and a truncated file, as the issue found them printed as full rows.
        bytes[at + "\"completed_epochs\": ".Length] = (byte)'0';
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        (code, _, error) = CliTests.Run("compare", dir.Path);
        Assert.True(code == 1 && error.Contains("checksum mismatch"), error);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        (code, _, error) = CliTests.Run("compare", dir.Path);
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("last.ckpt", error);

        foreach (var (header, expected) in new (object, string)[]
        {
            (new { }, "no options"),
            (new TrainingState(options, -5, 0, []), "-5 completed epochs but 0 recorded"),
            (new TrainingState(options with { InputSize = 100_000 }, 0, 0, []), "input size"),
        })
        {
            CheckpointContainer.Write(path, Checkpoint.Magic, header, writer => writer.Write(0));
            var damaged = Assert.Throws<LeanNetsException>(() => Checkpoint.ReadState(path));
            Assert.Contains($"{path}: damaged checkpoint header (", damaged.Message);
            Assert.Contains(expected, damaged.Message);
        }
    }

    /// <summary>Row 5: NaN weights are named (file and tensor) before anything runs or any report is written.
    /// Row 7: a garbage file's bytes never reach the terminal raw.</summary>
    [Fact]
    public void NonFiniteWeightsAndGarbageFilesAreNamed()
    {
        using var dir = new TempFolder();
        string data = dir.File("data"), weights = dir.File("nan.safetensors"), report = dir.File("eval");
        SyntheticData.WriteToyIdx(data, train: 8, test: 8);
        using (var model = ModelRegistry.Create("vgnetg_1_0mp_cifar", 4, 1))
        {
            using (no_grad())
            using (NewDisposeScope())
                model.parameters().First().flatten()[0] = float.NaN;
            WeightFile.Write(weights, StateDict.Of(model));
        }
        var (code, _, error) = CliTests.Run("eval", "vgnetg_1_0mp_cifar", "--weights", weights, "--data", data,
            "--output", report);
        Assert.Equal(1, code);
        Assert.Matches(@"nan\.safetensors: the weights contain NaN in '[^']+'", error);
        Assert.False(Directory.Exists(report) && Directory.EnumerateFiles(report).Any(), "no report written");
        string picture = dir.File("p.png");
        SyntheticData.WritePng(picture, 16, 16, SkiaSharp.SKColors.Teal);
        (code, _, error) = CliTests.Run("viz", "report", "vgnetg_1_0mp_cifar", "--weights", weights, "--image", picture,
            "--out", dir.File("viz"));
        Assert.Equal(1, code);
        Assert.Matches(@"nan\.safetensors: the weights contain NaN in '[^']+'", error);
        Assert.False(Directory.Exists(dir.File("viz")));

        string garbage = dir.File("garbage.pth");
        File.WriteAllBytes(garbage, [0x80, 0x02, 0x1b, (byte)'[', (byte)'2', (byte)'J', 0x0a, 0x07, .. new byte[200]]);
        (code, _, error) = CliTests.Run("eval", "vgnetg_1_0mp_cifar", "--weights", garbage, "--data", data);
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain(error.TrimEnd('\n'), c => char.IsControl(c));
    }

    /// <summary>Row 8: half a PNG is a bad image in predict and viz (not a partial picture), named in one line;
    /// the --skip-bad advice appears only where the command has the option and it was not given.</summary>
    [Fact]
    public void ATruncatedPictureIsABadImageEverywhere()
    {
        using var dir = new TempFolder();
        string whole = dir.File("whole.png"), half = dir.File("half.png");
        SyntheticData.WritePng(whole, 48, 48, SkiaSharp.SKColors.Coral);
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(half, bytes[..(bytes.Length / 2)]);
        foreach (string[] args in new[]
        {
            new[] { "predict", "vgnetg_1_0mp_cifar", half },
            ["viz", "report", "vgnetg_1_0mp_cifar", "--image", half, "--out", dir.File("viz")],
        })
        {
            var (code, _, error) = CliTests.Run(args);
            Assert.Equal(1, code);
            Assert.Equal($"leannets: error: {half}: unreadable, corrupt or oversized image", error.Trim());
        }
        Assert.False(Directory.Exists(dir.File("viz")));
        Assert.Contains("(use --skip-bad to skip such files)",
            LeanNets.Cli.LeanNetsCli.Describe(new BadImageException("x"), canSkipBad: true).Message);
    }

    /// <summary>Row 10: settings an input cannot take are refused, not ignored or left to libtorch.</summary>
    [Fact]
    public void SettingsAnInputCannotTakeAreRefused()
    {
        var (code, _, error) = CliTests.Run("info", "yolov3_w25", "--input", "3x100x100");
        Assert.Equal(2, code);
        Assert.Contains("a multiple of 32", error);

        using var dir = new TempFolder();
        string path = dir.File("last.ckpt");
        using var model = ModelRegistry.Create("vgnetg_1_0mp_cifar", 4, 1);
        var options = new TrainOptions { Model = "vgnetg_1_0mp_cifar", Data = "DATA" };
        using (var optimizer = new Optimizer(model, options))
            Checkpoint.Save(path, new TrainingState(options, 0, 0, []), model, optimizer, null);
        (code, _, error) = CliTests.Run("convert", "vgnetg_1_0mp_cifar", "--weights", path, "--output",
            dir.File("w.safetensors"), "--classes", "5");
        Assert.Equal(2, code);
        Assert.Contains("it knows its classes and channels", error);
        Assert.False(File.Exists(dir.File("w.safetensors")));
    }
}
