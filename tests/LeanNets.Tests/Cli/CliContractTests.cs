using LeanNets.Tests.Data;

namespace LeanNets.Tests.Cli;

/// <summary>
/// Bad invocations, each answered by one line on stderr, no stack trace, the documented exit code (2 usage,
/// 1 failure) and no file left behind. DATA stands for a small valid dataset, RUN for a finished run.
/// </summary>
public class CliContractTests : IClassFixture<CliContractTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        private readonly TempFolder dir = new();
        public string Data { get; }
        public string Run { get; }
        public string Corrupt { get; }

        public Fixture()
        {
            Data = Path.Combine(dir.Path, "data");
            SyntheticData.WriteToyIdx(Data, train: 16, test: 8);
            Run = Path.Combine(dir.Path, "run");
            var (code, _, error) = CliTests.Run(
                "train",
                "vgnetg_1_0mp_cifar",
                "--data",
                Data,
                "--output",
                Run,
                "--epochs",
                "1",
                "--batch-size",
                "8",
                "--no-tensorboard"
            );
            if (code != 0)
                throw new InvalidOperationException(error);
            Corrupt = Path.Combine(dir.Path, "corrupt.ckpt");
            var bytes = File.ReadAllBytes(Path.Combine(Run, "last.ckpt"));
            File.WriteAllBytes(Corrupt, bytes[..(bytes.Length / 2)]);
        }

        public void Dispose() => dir.Dispose();
    }

    private readonly Fixture fixture;

    public CliContractTests(Fixture fixture) => this.fixture = fixture;

    private const string M = "vgnetg_1_0mp_cifar";

    public static TheoryData<int, string[]> BadInvocations() =>
        new()
        {
            { 2, ["frobnicate"] },
            { 2, ["info", "resnet05"] },
            { 2, ["info", "resnet50", "--input", "3x0x224"] },
            { 2, ["info", "resnet50", "--input", "3x100000x100000"] },
            { 2, ["info", "resnet50", "--bogus"] },
            { 2, ["info", "resnet50", "--classes", "0"] },
            { 2, ["models", "--family", "nosuchfamily"] },
            { 2, ["models", "--paper", "nosuchpaper"] },
            { 2, ["tables", "yolo"] },
            { 2, ["bench", "resnet50", "--batch", "0"] },
            { 2, ["kernels", "resnet50", "--layers", "-1"] },
            { 2, ["info", "resnet50", "--threads", "100000"] },
            { 2, ["info", "resnet50", "--threads", "-1"] },
            { 2, ["train", "nosuchmodel", "--data", "DATA", "--output", "OUT"] },
            { 2, ["train", M, "--output", "OUT"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--epochs", "0"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--batch-size", "0"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--batch-size", "1000000"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--lr", "-1"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--lr", "NaN"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--momentum", "1.5"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--wd", "-0.1"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--pad", "-1"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--clip-grad", "-1"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--step-every", "0"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--limit-train", "-5"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--input-size", "3"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--classes", "0"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--classes", "7"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--in-channels", "3"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--batch-size", "65536", "--input-size", "4096"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--augment", "autoaugment"] },
            { 2, ["train", M, "--data", "DATA", "--output", "OUT", "--recipe", "nope"] },
            { 2, ["train", M, "--data", "DATA", "--output", "RUN"] },
            { 2, ["train", M, "--resume", "RUN", "--lr", "0.5"] },
            { 2, ["train", "resnet50_cifar", "--resume", "RUN"] },
            { 2, ["train", M, "--resume", "RUN", "--data", "OUT"] },
            { 1, ["train", M, "--data", "/nonexistent/data", "--output", "OUT"] },
            { 1, ["train", M, "--resume", "/nonexistent/run"] },
            { 2, ["train", "--data", "DATA"] },
            // VGG-16's five poolings leave nothing of a 12x12 picture: named with the shape, not in libtorch's words.
            { 1, ["train", "vgg16_cifar", "--data", "DATA", "--output", "OUT"] },
            { 1, ["info", "vgg16_cifar", "--input", "3x16x16"] },
            { 2, ["detect", "yolov3_w25", "--weights", "RUN/last.ckpt", "DATA", "--threshold", "NaN"] },
            { 1, ["eval", M, "--checkpoint", "/nonexistent.ckpt", "--data", "DATA"] },
            { 1, ["eval", M, "--checkpoint", "CORRUPT", "--data", "DATA"] },
            { 2, ["eval", "resnet50", "--checkpoint", "RUN/last.ckpt", "--data", "DATA"] },
            { 2, ["eval", M, "--checkpoint", "RUN/last.ckpt", "--data", "DATA", "--batch-size", "0"] },
            { 1, ["compare", "/nonexistent/run"] },
            { 1, ["kernels", M, "--checkpoint", "CORRUPT", "--output", "OUT"] },
        };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void EachBadInvocationEndsInOneLineAndItsExitCode(int expected, string[] args)
    {
        using var scratch = new TempFolder();
        string output = Path.Combine(scratch.Path, "out");
        var resolved = args.Select(a =>
                a.Replace("RUN", fixture.Run)
                    .Replace("DATA", fixture.Data)
                    .Replace("CORRUPT", fixture.Corrupt)
                    .Replace("OUT", output)
            )
            .ToArray();
        var runFiles = Directory.GetFiles(fixture.Run).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();

        var (code, _, error) = CliTests.Run(resolved);

        Assert.True(expected == code, $"exit {code}, expected {expected}: {error}");
        var lines = error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, error);
        Assert.StartsWith("leannets: error: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(output), "no output left behind");
        Assert.Equal(runFiles, Directory.GetFiles(fixture.Run).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList());
    }

    [Fact]
    public void AnUnknownCommandIsNamed()
    {
        var (_, _, error) = CliTests.Run("frobnicate");
        Assert.Equal("leannets: error: unknown command 'frobnicate'; see 'leannets --help'", error.Trim());
    }

    /// <summary>`convert` writes the run's model card into both formats: the trained input (1x12x12, not the
    /// registry's 3x32x32), normalisation and class names survive, so `predict` on the converted file gives the
    /// checkpoint's probabilities and `export` the trained input; a file named for another model is
    /// refused.</summary>
    [Fact]
    public void ConvertedWeightsKeepTheRunsCard()
    {
        using var dir = new TempFolder();
        string checkpoint = Path.Combine(fixture.Run, "last.ckpt");
        var state = LeanNets.Training.Checkpoint.ReadState(checkpoint);
        string image = LeanNets.Tests.Reports.VizReportTests.Picture(dir);
        var reference = Predicted(CliTests.Run("predict", M, "--weights", checkpoint, image, "--top", "4", "--json"));
        foreach (string extension in new[] { "safetensors", "pth" })
        {
            string file = dir.File("converted." + extension);
            var (code, _, error) = CliTests.Run("convert", M, "--weights", checkpoint, "--output", file);
            Assert.True(code == 0, error);
            var card = LeanNets.Interchange.WeightFile.ReadCard(file)!;
            Assert.Equal((M, new LeanNets.Models.InputShape(1, 12, 12)), (card.Model, card.Input));
            Assert.Equal(state.ClassNames, card.ClassNames);
            Assert.Equal(state.Data!.Mean, card.Mean);
            var converted = Predicted(CliTests.Run("predict", M, "--weights", file, image, "--top", "4", "--json"));
            Assert.Equal(reference.Keys.Order(), converted.Keys.Order());
            // The same weights and preprocessing in the same engine: equal up to float32 round-off.
            Assert.All(reference.Keys, k => Near.Equal(reference[k], converted[k], 1e-6));
            var export = CliTests.Run("export", M, "--weights", file, "--onnx", dir.File(extension + ".onnx"));
            Assert.True(export.Code == 0, export.Err);
            Assert.Contains("input 1x12x12", export.Out);
        }
        var refused = CliTests.Run("predict", "resnet50_cifar", "--weights", dir.File("converted.safetensors"), image);
        Assert.Equal(2, refused.Code);
        Assert.Contains($"holds weights of '{M}', not 'resnet50_cifar'", refused.Err);
    }

    /// <summary>A LeanNets weight file given where the model name goes stands for its model (a checkpoint names it
    /// through its run, a converted file through its card): predict gives what the name and --weights give, eval,
    /// kernels and export run on it alone. An ONNX file where the weights are needed, the file given twice and a
    /// task it contradicts are one line each, exit 2.</summary>
    [Fact]
    public void AWeightFileStandsForItsModel()
    {
        using var dir = new TempFolder();
        string checkpoint = Path.Combine(fixture.Run, "last.ckpt");
        string image = LeanNets.Tests.Reports.VizReportTests.Picture(dir);
        var named = Predicted(CliTests.Run("predict", M, "--weights", checkpoint, image, "--top", "4", "--json"));
        var alone = Predicted(CliTests.Run("predict", checkpoint, image, "--top", "4", "--json"));
        Assert.Equal(named, alone);
        var eval = CliTests.Run("eval", checkpoint, "--data", fixture.Data, "--output", dir.File("eval"));
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains($"{M} on 8 images", eval.Out);
        Assert.DoesNotContain("top-5", eval.Out); // four classes: top-5 would be 100% by construction
        var kernels = CliTests.Run("kernels", checkpoint, "--output", dir.File("kernels"));
        Assert.True(kernels.Code == 0, kernels.Err);
        string onnx = dir.File("m.onnx");
        var export = CliTests.Run("export", checkpoint, "--onnx", onnx);
        Assert.True(export.Code == 0, export.Err);
        Assert.Contains("input 1x12x12", export.Out);
        foreach (var (args, message) in new (string[], string)[]
        {
            (["export", onnx, "--onnx", dir.File("again.onnx")], "is an ONNX file: this command needs"),
            (["predict", checkpoint, "--weights", checkpoint, image], "give it as the model or as --weights"),
            (["eval", checkpoint, "--data", fixture.Data, "--task", "detect"], "--task detect contradicts"),
            (["detect", checkpoint, image], $"is a classifier ({M})"),
        })
        {
            var refused = CliTests.Run(args);
            Assert.True(refused.Code == 2, refused.Err);
            Assert.Contains(message, refused.Err);
            Assert.Single(refused.Err.Trim().Split('\n'));
        }
        Assert.False(File.Exists(dir.File("again.onnx")));
    }

    /// <summary>Issue 28's messages: a file is named for what it is (a picture given as a checkpoint or as PyTorch
    /// weights, a TIFF given as a picture, a TorchScript archive given as a state dict), an enum option lists its
    /// choices as the command line spells them, a missing picture is a failure (exit 1) like a missing folder,
    /// and small learning rates print without an exponent.</summary>
    [Fact]
    public void MessagesSayWhatWasGiven()
    {
        using var dir = new TempFolder();
        string picture = LeanNets.Tests.Reports.VizReportTests.Picture(dir);
        File.Copy(picture, dir.File("w.ckpt"));
        File.Copy(picture, dir.File("w.pth"));
        File.WriteAllBytes(dir.File("t.tif"), [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 2, 3, 4]);
        using (var zip = System.IO.Compression.ZipFile.Open(dir.File("ts.pt"),
            System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("ts/data.pkl");
            zip.CreateEntry("ts/constants.pkl");
        }
        foreach (var (code, args, message) in new (int, string[], string)[]
        {
            (1, ["predict", M, "--weights", dir.File("w.ckpt"), picture], "w.ckpt: a PNG image, not a LeanNets"),
            (1, ["predict", M, "--weights", dir.File("w.pth"), picture], "w.pth: a PNG image, not a PyTorch state"),
            (1, ["predict", M, "--weights", dir.File("ts.pt"), picture], "a TorchScript archive (torch.jit.save)"),
            (1, ["predict", M, dir.File("t.tif")], "t.tif: a TIFF image, which LeanNets does not read (use PNG"),
            (1, ["predict", M, dir.File("none.png")], "image not found"),
            (2, ["predict", M, picture, "--skip-bad"], "--skip-bad is not an option of predict"),
            (2, ["train", M, "--data", fixture.Data, "--optimizer", "foo"],
                "--optimizer: 'foo' is not one of sgd, adamw"),
            (2, ["train", M, "--data", fixture.Data, "--epochs", "abc"], "--epochs: 'abc' is not a whole number"),
            (2, ["train", M, "--data", fixture.Data, "--lr", "fast"], "--lr: 'fast' is not a number"),
            (2, ["train", M, "--data", fixture.Data, "--epochs", "0"], "epochs must be in 1..100000, got 0"),
            (2, ["train", M, "--data", fixture.Data, "--limit-train", "-1"], "training image limit must be >= 0"),
        })
        {
            var run = CliTests.Run(args);
            Assert.True(code == run.Code, $"{string.Join(' ', args)}: exit {run.Code}: {run.Err}");
            Assert.Contains(message, run.Err);
            Assert.Single(run.Err.Trim().Split('\n'));
        }
        Assert.Equal(["0.0000990", "0.0100", "0.123", "1.50", "1E-10"],
            new[] { 9.9e-5, 0.01, 0.1234, 1.5, 1e-10 }.Select(LeanNets.Cli.Output.Units.Rate));
        // Help names enum choices as the command line takes them, as the messages above do.
        foreach (var (command, choices) in new[] { ("eval", "--engine <torchsharp|onnxruntime>"),
            ("quantize", "--method <minmax|percentile|entropy>"), ("train", "--optimizer <sgd|adamw>") })
        {
            var help = CliTests.Run(command, "--help");
            Assert.Contains(choices, help.Out);
            Assert.DoesNotMatch(@"<[A-Z][A-Za-z]*\|", help.Out);
            // ... and their defaults too (the parser would print "[default: TorchSharp]").
            Assert.DoesNotMatch(@"\[default:\s+[A-Z]", help.Out);
        }
    }

    private static Dictionary<string, double> Predicted((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 0, run.Err);
        using var json = System.Text.Json.JsonDocument.Parse(run.Out);
        return json.RootElement[0]
            .GetProperty("top")
            .EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("probability").GetDouble());
    }

    /// <summary>The ONNX Runtime engine evaluates the checkpoint's export to the same figures as TorchSharp.</summary>
    [Fact]
    public void EvalOnOnnxRuntimeMatchesTorchSharp()
    {
        string Eval(string engine, string folder)
        {
            var (code, _, error) = CliTests.Run(
                "eval", M, "--checkpoint", Path.Combine(fixture.Run, "last.ckpt"), "--data", fixture.Data,
                "--engine", engine, "--output", folder);
            Assert.True(code == 0, error);
            return File.ReadAllText(Path.Combine(folder, "eval.json"));
        }
        using var dir = new TempFolder();
        using var torch = System.Text.Json.JsonDocument.Parse(Eval("torchsharp", dir.File("t")));
        using var onnx = System.Text.Json.JsonDocument.Parse(Eval("onnxruntime", dir.File("o")));
        double Get(System.Text.Json.JsonDocument doc, string key) => doc.RootElement.GetProperty(key).GetDouble();
        Assert.Equal(Get(torch, "top1"), Get(onnx, "top1"));
        Assert.Equal(Get(torch, "top5"), Get(onnx, "top5"));
        // Logits agree within ~1e-5 across engines (OnnxRuntimeParityTests); the mean loss moves less.
        Near.Equal(Get(torch, "loss"), Get(onnx, "loss"), 1e-4, 1e-4);
    }

    [Fact]
    public void VerboseAddsTheTrace()
    {
        var (code, _, error) = CliTests.Run(
            "eval",
            M,
            "--checkpoint",
            fixture.Corrupt,
            "--data",
            fixture.Data,
            "--verbose"
        );
        Assert.Equal(1, code);
        Assert.Contains("   at ", error);
    }

    [Fact]
    public void UnexpectedExceptionsBecomeOneLine()
    {
        var (code, message) = LeanNets.Cli.LeanNetsCli.Describe(
            new DivideByZeroException("Attempted to divide by zero.")
        );
        Assert.Equal(1, code);
        Assert.Contains("DivideByZeroException", message);
        Assert.DoesNotContain("\n", message);
    }
}
