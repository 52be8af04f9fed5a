using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Models;
using LeanNets.Quantization;
using LeanNets.Tests.Cli;
using LeanNets.Tests.Data;
using LeanNets.Tests.Training;
using LeanNets.Training;
using Onnx;
using SkiaSharp;

namespace LeanNets.Tests.Quantization;

/// <summary>Post-training int8 quantization (issue 25): a trained toy model keeps its answers, every family
/// quantizes with each convolution made integer by ONNX Runtime (or named with its reason), the int8 file is used
/// like any LeanNets ONNX file, and bad input is refused in one line with nothing written.</summary>
public class QuantizeTests(QuantizeTests.Trained trained) : IClassFixture<QuantizeTests.Trained>
{
    /// <summary>A VGNetG trained a few epochs on toy data, exported and quantized once for the class.</summary>
    public sealed class Trained : IDisposable
    {
        private readonly TempFolder dir = new();

        public Trained()
        {
            Data = dir.File("data");
            SyntheticData.WriteToyIdx(Data, train: 256, test: 64);
            string run = dir.File("run");
            // No flips: the toy classes are the bright square's position, which a flip would swap.
            // Trained until the answers are clear (near-ties would flip under any rounding, float or int8).
            Trainer.Run(ResumeTests.Tiny(Data, 8) with { Flip = false, Pad = 0, LabelSmoothing = 0 }, run);
            Float = dir.File("float.onnx");
            Int8 = dir.File("int8.onnx");
            ModelExport.Save("vgnetg_1_0mp_cifar", Path.Combine(run, "best.safetensors"), null,
                new OnnxExportOptions(0, 0), Float);
            Report = Int8Quantizer.Quantize(Float, null, Data, new QuantizeOptions { Images = 64 }, Int8);
        }

        public string Data { get; }
        public string Float { get; }
        public string Int8 { get; }
        public QuantizeReport Report { get; }

        public string File(string name) => dir.File(name);

        public void Dispose() => dir.Dispose();
    }

    [Fact]
    public void ATrainedModelKeepsItsAnswers()
    {
        var r = trained.Report;
        Assert.Equal("int8", r.Card.Precision);
        Assert.Contains("training split", r.Card.Calibration);
        // VGNetG has no output convolution: every one runs on integers; only the classifier layer stays float.
        Assert.Equal(r.Convolutions, r.IntegerConvolutions);
        Assert.Equal(["head.fc"], r.KeptFloat.Select(k => k.Layer));
        Assert.True(r.OutputSqnr > 15, $"output SQNR {r.OutputSqnr:F1} dB");
        Assert.True(r.IntegerBytes < r.FloatBytes / 2, $"{r.IntegerBytes} vs {r.FloatBytes} bytes");

        EvalResult Score(string file) => CheckpointEvaluation.Run(new EvalRequest(file, trained.Data,
            Engine: EngineKind.OnnxRuntime)).Result;
        var before = Score(trained.Float);
        var after = Score(trained.Int8);
        Assert.True(before.Top1 > 0.9, $"the toy model did not learn ({before.Top1:P1} {after.Top1:P1})");
        Assert.True(Math.Abs(before.Top1 - after.Top1) <= 2.0 / 64, $"top-1 {before.Top1:P1} -> {after.Top1:P1}");
    }

    /// <summary>VGNet's ReLU-then-batch-norm rewrite (scales moved into the convolution, the norm a 1x1 depthwise
    /// convolution) computes the same function in float.</summary>
    [Fact]
    public void ThePostActivationNormRewriteIsExact()
    {
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(trained.Float));
        var rewritten = original.Clone();
        Assert.Equal(28, PostActivationNorms.Apply(rewritten.Graph));
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "BatchNormalization");
        var rng = new Random(3);
        var input = Enumerable.Range(0, 4 * 12 * 12).Select(_ => (float)rng.NextDouble() * 3 - 1).ToArray();
        float[] Run(ModelProto m)
        {
            using var session = new OnnxRuntimeSession(Google.Protobuf.MessageExtensions.ToByteArray(m), 1);
            return session.Logits(input, [4, 1, 12, 12]);
        }
        var before = Run(original);
        var after = Run(rewritten);
        double scale = Math.Max(1, before.Max(Math.Abs));
        Assert.True(before.Zip(after, (a, b) => Math.Abs(a - b)).Max() <= 1e-4 * scale);
    }

    /// <summary>The automatic rule keeps in float32 the convolutions that lose more than the limit on their own, says
    /// so with the measured loss, and ONNX Runtime then runs exactly the others on integers.</summary>
    [Fact]
    public void TheAutomaticRuleKeepsTheLossiestLayersInFloat()
    {
        var first = trained.Report.Layers.Where(l => l.Op == "Conv").OrderByDescending(l => l.Loss).ToList();
        double limit = (first[0].Loss + first[1].Loss) / 2;
        var report = Int8Quantizer.Quantize(trained.Float, null, trained.Data,
            new QuantizeOptions { Images = 64, AutoKeepLoss = limit }, trained.File("auto.onnx"));
        var auto = report.KeptFloat.Where(k => k.Reason.Contains("--auto-keep", StringComparison.Ordinal)).ToList();
        Assert.Equal([first[0].Layer], auto.Select(a => a.Layer));
        Assert.True(report.Convolutions - 1 == report.IntegerConvolutions, $"{auto[0].Layer}: "
            + string.Join(", ", report.RuntimeOps.Select(o => $"{o.Key} {o.Value}")));
    }

    /// <summary>The int8 file goes wherever a LeanNets ONNX file goes: predict, eval, bench, and quantize refuses it.
    /// </summary>
    [Fact]
    public void TheInt8FileIsAFirstClassModel()
    {
        string image = trained.File("square.png");
        SyntheticData.WritePng(image, 12, 12, SKColors.White);
        var (code, output, error) = CliTests.Run("predict", trained.Int8, image, "--top", "2");
        Assert.True(code == 0, error);
        Assert.Matches(@"\d+\.\d\d%\s+\d+\s+\S", output);
        (code, output, error) = CliTests.Run("eval", trained.Int8, "--data", trained.Data, "--output",
            trained.File("eval"));
        Assert.True(code == 0, error);
        Assert.Contains("top-1", output);
        (code, output, error) = CliTests.Run("bench", trained.Float, trained.Int8, "--batch", "1", "--runs", "3");
        Assert.True(code == 0, error);
        (code, _, error) = CliTests.Run("quantize", trained.Int8, "--calibrate", trained.Data, "--output",
            trained.File("again.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("already quantized", error);
        Assert.False(File.Exists(trained.File("again.onnx")));
    }

    /// <summary>One model of every family and conv kind, and a detector: each convolution becomes an integer one
    /// in the graph ONNX Runtime runs, except those the plan keeps float with a reason.</summary>
    [Theory]
    [InlineData("mobilenetv2_100_dualconv_g2", 64)]
    [InlineData("mobilenetv1_100_hetconv_p4", 64)]
    [InlineData("mobilenetv3_small_100", 64)]
    [InlineData("resnet50_hetconv_p4", 64)]
    [InlineData("shufflenetv2_x0_5", 64)]
    [InlineData("regnetx_004", 64)]
    [InlineData("ghostnet_100", 64)]
    [InlineData("vgg16_cifar_dualconv_g4", 32)]
    [InlineData("vgnetc_1_5mp_cifar", 32)]
    [InlineData("darknet53", 64)]
    [InlineData("yolov3_w25_dualconv_g4", 64)]
    public void EveryFamilyQuantizes(string name, int size)
    {
        using var dir = new TempFolder();
        string pictures = dir.File("pictures");
        Directory.CreateDirectory(pictures);
        var rng = new Random(1);
        for (int i = 0; i < QuantizeOptions.MinImages; i++)
            SyntheticData.WritePng(Path.Combine(pictures, $"{i}.png"), size, size,
                new SKColor((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256)));
        var proto = ModelExport.Export(name, null, size, new OnnxExportOptions(0, 0)).Proto;
        var report = Int8Quantizer.Quantize(proto, name, pictures, new QuantizeOptions { Images = 8 },
            dir.File("int8.onnx"));
        int keptConvolutions = report.KeptFloat.Count(k => proto.Graph.Node.Any(n =>
            n.OpType == "Conv" && QdqPlan.LayerOf(n) == k.Layer));
        Assert.True(report.IntegerConvolutions == report.Convolutions - keptConvolutions,
            $"{report.IntegerConvolutions} of {report.Convolutions} integer, {keptConvolutions} kept: "
                + string.Join(", ", report.RuntimeOps.Select(o => $"{o.Key} {o.Value}")));
        Assert.True(File.Exists(dir.File("int8.onnx")));
        Assert.Equal(TrainingTasks.Of(name) == ModelCard.Detect, report.Card.IsDetector);
    }

    [Fact]
    public void BadInputIsRefusedInOneLineWithNothingWritten()
    {
        string output = trained.File("bad.onnx");
        string few = trained.File("few");
        Directory.CreateDirectory(few);
        for (int i = 0; i < 3; i++)
            SyntheticData.WritePng(Path.Combine(few, $"{i}.png"), 12, 12, SKColors.Gray);
        string corrupt = trained.File("corrupt");
        Directory.CreateDirectory(corrupt);
        for (int i = 0; i < 10; i++)
            File.WriteAllBytes(Path.Combine(corrupt, $"{i}.png"), i < 8 ? [0x89, 0x50, 0x4e, 0x47, 1, 2] : []);
        var cases = new (string[] Args, int Code, string Message)[]
        {
            (["--calibrate", trained.File("missing")], 2, "calibration folder not found"),
            (["--calibrate", few], 2, "3 readable images; calibration needs at least 8"),
            (["--calibrate", corrupt], 1, "unreadable"),
            (["--calibrate", corrupt, "--skip-bad"], 2, "(10 unreadable skipped)"),
            (["--calibrate", trained.Data, "--keep-fp32", "stages.99"], 2, "--keep-fp32 stages.99: no layer"),
            (["--calibrate", trained.Data, "--images", "3"], 2, "calibration images must be in 8..10000"),
            (["--calibrate", trained.Data, "--percentile", "NaN"], 2, "percentile must be in"),
        };
        foreach (var (args, expected, message) in cases)
        {
            var (code, _, error) = CliTests.Run(["quantize", trained.Float, "--output", output, .. args]);
            Assert.True(code == expected, $"{string.Join(' ', args)}: exit {code}, {error}");
            Assert.Contains(message, error);
            Assert.Single(error.Trim().Split('\n'));
            Assert.False(File.Exists(output));
        }
        // A file exported with a fixed batch larger than the calibration set is refused, not calibrated on nothing.
        string fixedBatch = trained.File("fixed.onnx");
        ModelExport.Save("vgnetg_1_0mp_cifar", trained.File("run/best.safetensors"), null,
            new OnnxExportOptions(0, 0, Batch: 64), fixedBatch);
        var (fc, _, fe) = CliTests.Run("quantize", fixedBatch, "--output", output, "--calibrate", trained.Data,
            "--images", "32");
        Assert.Equal(2, fc);
        Assert.Contains("batch is fixed at 64", fe);
        Assert.False(File.Exists(output));
        // A dataset of another channel count is refused (loose pictures are converted, as predict does).
        string rgb = trained.File("rgb");
        foreach (var split in new[] { "train", "val" })
            for (int i = 0; i < 8; i++)
            {
                Directory.CreateDirectory(Path.Combine(rgb, split, $"c{i % 2}"));
                SyntheticData.WritePng(Path.Combine(rgb, split, $"c{i % 2}", $"{i}.png"), 12, 12, SKColors.Red);
            }
        var (c, _, e) = CliTests.Run("quantize", trained.Float, "--output", output, "--calibrate", rgb);
        Assert.Equal(2, c);
        Assert.Contains("3-channel images but vgnetg_1_0mp_cifar takes 1", e);
    }

    [Fact]
    public void RangesFollowTheirMethod()
    {
        // 1000 values in bin 10, one outlier in bin 2000: 99.9% keeps bins up to 11, min-max up to 2001.
        var histogram = new long[2048];
        histogram[10] = 1000;
        histogram[2000] = 1;
        Assert.Equal((10, 11), TensorStatistics.PercentileBounds(histogram, 99.9));
        Assert.Equal((10, 2001), TensorStatistics.PercentileBounds(histogram, 100));
        // Entropy (256 levels, as the quantizer uses) on a decaying distribution (100000 / (i + 1) over bins
        // 1..399) and that outlier clips at bin 512 (the same computation in Python), far below the outlier; a
        // ReLU's spike of exact zeros in bin 0 does not move it (it used to pull the threshold down).
        var decaying = new long[2048];
        for (int i = 1; i < 400; i++)
            decaying[i] = 100000 / (i + 1);
        decaying[2000] = 1;
        Assert.Equal(512, TensorStatistics.EntropyThreshold(decaying, 256));
        decaying[0] = 10_000_000;
        Assert.Equal(512, TensorStatistics.EntropyThreshold(decaying, 256));
        // A ReLU's range [0, 6] maps 0 to zero point 0 (uint8) or -128 (int8), 6 to the top of the type.
        var (scale, zero) = new ActivationRange(0, 6).Parameters(ActivationType.UInt8);
        Assert.Equal(0, zero);
        Near.Equal(6 / 255.0, scale, 1e-7, 0);
        Assert.Equal(-128, new ActivationRange(0, 6).Parameters(ActivationType.Int8).ZeroPoint);
        // A dead tensor gets an ordinary step (a vanishing one would saturate the next layer's int32 bias).
        Near.Equal(1 / 255.0, new ActivationRange(0, 0).Parameters(ActivationType.UInt8).Scale, 1e-9, 0);
        // A range that misses 0 is widened to hold it (zero padding stays exact).
        Assert.Equal(0, new ActivationRange(2, 3).Parameters(ActivationType.UInt8).ZeroPoint);
    }
}
