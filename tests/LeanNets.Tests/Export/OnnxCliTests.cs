using LeanNets.Export;
using LeanNets.Loading;
using LeanNets.Models;
using LeanNets.Onnx;
using LeanNets.Tests.Cli;
using LeanNets.Tests.Reports;
using static TorchSharp.torch;

namespace LeanNets.Tests.Export;

public class OnnxCliTests
{
    /// <summary>One model per family, per conv kind, and a detector pass the ONNX reference checker (full check,
    /// with shape inference), in Debian's python3-onnx; exported through the command line, metadata
    /// included.</summary>
    [SkippableFact]
    public void ExportsPassTheOnnxChecker()
    {
        PythonReference.Require("onnx");
        using var dir = new TempFolder();
        var files = new List<string>();
        foreach (var family in Enum.GetValues<ModelFamily>().Where(f => f != ModelFamily.Custom))
        {
            var spec = ModelRegistry.List(family, null)[0];
            string file = dir.File(spec.Name + ".onnx");
            int size = OnnxExportTests.TestSize(spec);
            var (code, _, err) = CliTests.Run("export", spec.Name, "--onnx", file, "--input-size", size.ToString());
            Assert.True(code == 0, err);
            files.Add(file);
        }
        // The other conv kinds (DualConv, GroupConv, HetConv) and a detector's body (Resize, Transpose).
        foreach (var (name, size) in new[]
        {
            ("vgg16_cifar_dualconv_g4", 32), ("mobilenetv1_cifar_gc_g4", 32), ("resnet50_cifar_hetconv_p4", 32),
            ("yolov3_w25_dualconv_g4", 64),
        })
        {
            string file = dir.File(name + ".onnx");
            var (code, _, err) = CliTests.Run("export", name, "--onnx", file, "--input-size", size.ToString());
            Assert.True(code == 0, err);
            files.Add(file);
        }
        // A detector exported end to end (decoding and NonMaxSuppression in the graph).
        string endToEnd = dir.File("yolov3_w25_nms.onnx");
        var nms = CliTests.Run("export", "yolov3_w25", "--onnx", endToEnd, "--input-size", "64", "--nms");
        Assert.True(nms.Code == 0, nms.Err);
        files.Add(endToEnd);
        string script = dir.File("check.py");
        File.WriteAllText(
            script,
            "import sys, onnx\n"
                + "for path in sys.argv[1:]:\n"
                + "    model = onnx.load(path)\n"
                + "    onnx.checker.check_model(model, full_check=True)\n"
                + "    keys = {p.key for p in model.metadata_props}\n"
                + "    assert {'leannets.model', 'leannets.classes', 'leannets.mean'} <= keys, keys\n"
                + "    print('ok', path)\n"
        );
        var (status, output, error) = PythonReference.Run([script, .. files]);
        Assert.True(status == 0, error);
        Assert.Equal(files.Count, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    /// <summary>The same images give the same probabilities through TorchSharp, ONNX Runtime on the export made
    /// in memory, and ONNX Runtime on the exported file (metadata supplies preprocessing and classes).</summary>
    [Fact]
    public void PredictAgreesAcrossEngines()
    {
        using var dir = new TempFolder();
        string a = VizReportTests.Picture(dir, "a.png"), b = VizReportTests.Picture(dir, "b.png");
        // A registry model's head starts at zero (10% for every class on any engine, a comparison that cannot
        // fail): seeded random head weights make the ten probabilities clearly different.
        string weights = dir.File("seeded.safetensors");
        using (var model = ModelRegistry.Create("mobilenetv2_cifar"))
        {
            manual_seed(11);
            using (no_grad())
            using (NewDisposeScope())
                foreach (var (_, parameter) in model.Head.named_parameters())
                    parameter.copy_(randn_like(parameter) * 2);
            LeanNets.Interchange.WeightFile.Write(weights, LeanNets.Interchange.StateDict.Of(model));
        }
        string file = dir.File("model.onnx");
        var export = CliTests.Run("export", "mobilenetv2_cifar", "--weights", weights, "--onnx", file);
        Assert.True(export.Code == 0, export.Err);
        string[] predict = ["predict", "mobilenetv2_cifar", "--weights", weights, a, b, "--top", "10", "--json"];
        var torch = Probabilities(CliTests.Run(predict));
        var ort = Probabilities(CliTests.Run([.. predict, "--engine", "onnxruntime"]));
        var fromFile = Probabilities(CliTests.Run("predict", file, a, b, "--top", "10", "--json"));
        Assert.Equal(20, torch.Count);
        Assert.True(torch.Values.Max() - torch.Values.Min() > 0.05, "the probabilities should differ by class");
        // Logits agree within ~1e-5 across engines (OnnxRuntimeParityTests); softmax probabilities move less.
        foreach (var other in new[] { ort, fromFile })
        {
            Assert.Equal(torch.Keys.Order(), other.Keys.Order());
            Assert.All(torch.Keys, k => Near.Equal(torch[k], other[k], 1e-4, what: $"{k}"));
        }
    }

    /// <summary>Both engines in one table, with percentiles that bracket the median and achieved GFLOP/s.</summary>
    [Fact]
    public void BenchPutsEnginesSideBySide()
    {
        using var dir = new TempFolder();
        string json = dir.File("bench.json");
        var (code, output, err) = CliTests.Run(
            "bench", "shufflenetv2_x0_5", "--input", "3x32x32", "--runs", "3",
            "--engine", "torchsharp", "onnxruntime", "--markdown", "--json", json);
        Assert.True(code == 0, err);
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("| shufflenetv2_x0_5 |", StringComparison.Ordinal)));
        Assert.Contains("| 1.00x |", output);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.All(doc.RootElement.EnumerateArray(), r =>
        {
            double Get(string key) => r.GetProperty(key).GetDouble();
            Assert.InRange(Get("median_ms"), Get("p10_ms"), Get("p90_ms"));
            Assert.True(Get("gflops_per_second") > 0);
        });
    }

    /// <summary>Interleaved timing reports every subject (each model on each engine at each batch size), with the
    /// ratios' inputs but no per-model memory (the models share the process); a negative warm-up is a usage
    /// error.</summary>
    [Fact]
    public void BenchInterleavesSubjects()
    {
        var (code, output, err) = CliTests.Run(
            "bench", "shufflenetv2_x0_5", "mobilenetv2_050", "--input", "3x32x32", "--runs", "2", "--warmup", "0",
            "--engine", "torchsharp", "onnxruntime", "--batch", "1", "2", "--interleave");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Equal(4, lines.Count(l => l.Contains("batch 2:", StringComparison.Ordinal)));
        Assert.All(lines, l => Assert.Contains("peak RSS n/a", l));
        var bad = CliTests.Run("bench", "shufflenetv2_x0_5", "--warmup", "-1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("warmup must be in 0..10000", bad.Err);
    }

    /// <summary>A bench of ONNX files, a prediction and a detection, each with one run on ONNX Runtime alone, as a
    /// deployed model would: the dynamic loader's log of the child process shows ONNX Runtime initialised and libtorch
    /// never loaded (a registry model, the control, loads it).</summary>
    [Fact]
    public void OnnxFilesRunWithoutLibTorch()
    {
        using var dir = new TempFolder();
        string file = dir.File("tiny.onnx"), detector = dir.File("detector.onnx");
        var export = CliTests.Run("export", "shufflenetv2_x0_5", "--onnx", file, "--input-size", "32");
        Assert.True(export.Code == 0, export.Err);
        export = CliTests.Run("export", "yolov3_w25", "--onnx", detector, "--input-size", "64");
        Assert.True(export.Code == 0, export.Err);
        string LoadedLibraries(params string[] args)
        {
            var (code, _, log) = ChildProcess.Run(
                ChildProcess.Start(
                    "dotnet",
                    [Path.Combine(AppContext.BaseDirectory, "LeanNets.Cli.dll"), .. args],
                    new Dictionary<string, string> { ["LD_DEBUG"] = "libs" }
                ),
                TimeSpan.FromMinutes(2)
            );
            Assert.True(code == 0, log[^Math.Min(log.Length, 2000)..]);
            return log;
        }
        foreach (var onnxOnly in new[]
        {
            LoadedLibraries("bench", file, "--runs", "1", "--threads", "1"),
            LoadedLibraries("predict", file, VizReportTests.Picture(dir), "--threads", "1"),
            LoadedLibraries("detect", detector, VizReportTests.Picture(dir), "--out", dir.File("found"), "--threads",
                "1"),
        })
        {
            Assert.Contains("libonnxruntime.so", onnxOnly);
            Assert.DoesNotContain("libtorch_cpu.so", onnxOnly);
        }
        Assert.Contains("libtorch_cpu.so", LoadedLibraries("bench", "shufflenetv2_x0_5", "--input", "3x32x32",
            "--runs", "1", "--threads", "1"));
    }

    [Fact]
    public void UnsupportedModuleIsNamedAndNothingIsWritten()
    {
        using var dir = new TempFolder();
        using var model = new Classifier(
            "odd",
            new StagePart(nn.Conv2d(3, 8, 3, padding: 1), 8, 1),
            [new StagePart(nn.Sequential(nn.GELU()), 8, 1)],
            new ClassifierHead(8, 4)
        );
        string file = dir.File("odd.onnx");
        var error = Assert.Throws<OnnxExportException>(() =>
            OnnxExporter.Save(model, new OnnxExportOptions(16, 3), file)
        );
        Assert.Contains("stages.0.0", error.Message);
        Assert.Contains("GELU", error.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [InlineData("--batch", "zero", "--batch must be")]
    [InlineData("--opset", "9", "opset 9 is not supported")]
    public void BadExportOptionsAreOneLine(string option, string value, string message)
    {
        using var dir = new TempFolder();
        var (code, _, err) = CliTests.Run("export", "resnet50_cifar", "--onnx", dir.File("x.onnx"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(File.Exists(dir.File("x.onnx")));
    }

    [Fact]
    public void AnOnnxFileWithoutLeanNetsMetadataIsRefused()
    {
        using var dir = new TempFolder();
        string file = dir.File("plain.onnx");
        using (var model = ModelRegistry.Create("resnet50_cifar"))
            OnnxExporter.Save(model, new OnnxExportOptions(32, 3), file);
        var (code, _, err) = CliTests.Run("predict", file, VizReportTests.Picture(dir));
        Assert.Equal(2, code);
        Assert.Contains("not exported by LeanNets", err);
        // bench needs no metadata: any classifier file runs at the size it declares.
        var bench = CliTests.Run("bench", file, "--runs", "2");
        Assert.True(bench.Code == 0, bench.Err);
        Assert.Contains("3x32x32", bench.Out);
        Assert.Contains("n/a GFLOP/s", bench.Out);
    }

    /// <summary>Every command that takes a registry model or an ONNX file refuses, in the same line and before
    /// reading the file, the settings a file makes meaningless (one check, OnnxMetadata.RefuseFileSettings).
    /// </summary>
    [Theory]
    [InlineData("predict", "m.onnx", "a.png", "--weights", "w.safetensors")]
    [InlineData("detect", "m.onnx", "a.png", "--weights", "w.safetensors")]
    [InlineData("eval", "m.onnx", "--data", "d", "--weights", "w.safetensors")]
    [InlineData("quantize", "m.onnx", "--calibrate", "d", "--output", "q.onnx", "--weights", "w.safetensors")]
    [InlineData("predict", "m.onnx", "a.png", "--engine", "torchsharp")]
    [InlineData("detect", "m.onnx", "a.png", "--engine", "torchsharp")]
    [InlineData("eval", "m.onnx", "--data", "d", "--engine", "torchsharp")]
    [InlineData("eval", "m.onnx", "--data", "d", "--task", "detect")]
    public void AnOnnxFileRefusesTheSettingsItMakesMeaningless(params string[] args)
    {
        var (code, _, err) = CliTests.Run(args);
        Assert.Equal(2, code);
        string expected = args[^2] switch
        {
            "--weights" => "m.onnx holds its weights: --weights is for registry models",
            "--engine" => "m.onnx runs on onnxruntime: --engine torchsharp is for registry models",
            _ => "m.onnx says its own task: --task is for registry models",
        };
        Assert.Equal($"leannets: error: {expected}", err.Trim());
    }

    /// <summary>(image, class name) -> probability, from predict's JSON.</summary>
    private static Dictionary<(string, string), double> Probabilities((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 0, run.Err);
        using var json = System.Text.Json.JsonDocument.Parse(run.Out);
        var result = new Dictionary<(string, string), double>();
        foreach (var image in json.RootElement.EnumerateArray())
            foreach (var c in image.GetProperty("top").EnumerateArray())
                result[(image.GetProperty("image").GetString()!, c.GetProperty("name").GetString()!)] =
                    c.GetProperty("probability").GetDouble();
        return result;
    }
}
