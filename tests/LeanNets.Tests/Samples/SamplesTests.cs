using System.Globalization;
using System.Text.RegularExpressions;
using LeanNets.Measures;
using LeanNets.Models;
using SkiaSharp;

namespace LeanNets.Tests.Samples;

/// <summary>
/// The library recipes (samples/, documented in docs/library.md) run as a user runs them: each built program
/// started with dotnet in a child process, on the bundled photo or data it writes into a temporary folder, and
/// what it prints and writes is checked. The code excerpts of docs/library.md are checked to be in the samples.
/// </summary>
public partial class SamplesTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly string Photo = RepositoryRoot.File("data", "photos", "raccoon-12.jpg");

    /// <summary>The built program of <paramref name="sample"/>.</summary>
    internal static string Dll(string sample)
    {
        string dll = RepositoryRoot.File("samples", sample, "bin", Configuration, "net10.0", sample + ".dll");
        // A missing program is a broken build, not a reason to skip: the solution builds every sample.
        Assert.True(File.Exists(dll), $"{dll} not found: build the solution first (dotnet build LeanNets.slnx -c "
            + $"{Configuration})");
        return dll;
    }

    /// <summary>What the sample printed; it must exit 0 within its limit.</summary>
    private static string Run(string sample, params string[] args)
    {
        string dll = Dll(sample);
        // Minutes, not seconds: each takes 1-10 s alone, but the suite shares two cores with a second test process.
        var result = ChildProcess.Run(ChildProcess.Start("dotnet", [dll, .. args]), TimeSpan.FromMinutes(2));
        Assert.True(result.Code == 0, $"{sample} exited with {result.Code}\n{result.Out}\n{result.Err}");
        return result.Out;
    }

    private static string N0(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    [Fact]
    public void CountAndInspectPrintsTheRegistrysCountsAndStages()
    {
        string output = Run("CountAndInspect");
        using var model = ModelRegistry.Create("vgnetg_1_0mp");
        Assert.Contains($"params {N0(ModelProfiler.CountParams(model))}\n", output);
        Assert.Contains("MACs 141.30M\n", output); // README's figure
        foreach (var stage in model.FeatureInfo.Prepend(model.StemInfo))
            Assert.Matches($@"\n{Regex.Escape(stage.Module)} +{stage.Channels} +{stage.Reduction}\n", output);
    }

    [Fact]
    public void CustomArchitectureIsCreatedAndCountedByName()
    {
        string output = Run("CustomArchitecture");
        // By hand: 3x3 convs without bias, each with a BN's weight and bias; the head a 64-wide linear layer.
        const long stem = 3 * 16 * 9 + 32,
            stage0 = 16 * 32 * 9 + 64 + 32 * 32 * 9 + 64,
            stage1 = 32 * 64 * 9 + 128 + 64 * 64 * 9 + 128;
        Assert.Contains($"tiny_net: params {N0(stem + stage0 + stage1 + 64 * 10 + 10)},", output);
        Assert.Contains($"with 4 classes: params {N0(stem + stage0 + stage1 + 64 * 4 + 4)}\n", output);
        Assert.Contains("stages.1: 64 channels, 1/8 of the input\n", output);
        Assert.Contains("logits 1x10\n", output);
        Assert.Contains("user models: tiny_net\n", output);
    }

    [SkippableFact]
    public void ATrainedImageFolderModelIsExportedAndClassifiesOnOnnxRuntime()
    {
        using var dir = new TempFolder();
        string output = Run("TrainImageFolder", dir.Path);
        Assert.Contains("training vgnetg_1_0mp_cifar: ", output);
        Assert.Contains("3 batches per epoch, classes circle, square\n", output);
        Assert.Contains("epoch 1/1 batch 3/3 loss ", output);
        Assert.Contains("done: 1 epoch, best score ", output);
        Assert.Equal(48, Directory.GetFiles(dir.File("data/train"), "*.png", SearchOption.AllDirectories).Length);
        string weights = dir.File("run/best.safetensors");
        Assert.True(File.Exists(weights), output);

        output = Run("ExportAndRun", dir.File("m.onnx"), Photo, "vgnetg_1_0mp_cifar", weights);
        Assert.Contains("exported vgnetg_1_0mp_cifar: ", output);
        Assert.Contains("input 3x32x32", output);
        Assert.Contains("raccoon-12.jpg (vgnetg_1_0mp_cifar, 2 classes):\n", output);
        // The class names come from the ONNX file's card alone; the two probabilities make 100%.
        var top = PredictionLine().Matches(output).Select(m => (m.Groups[2].Value,
            double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(new[] { "circle", "square" }, top.Select(t => t.Item1).Order());
        Assert.Equal(100, top.Sum(t => t.Item2), 0.05);

        // The same folder fine-tunes torchvision's MobileNetV2 from a state dict PyTorch itself saved.
        PythonReference.Require("torch", "torchvision");
        string pth = dir.File("mobilenet_v2.pth");
        var saved = PythonReference.Run("-c", "import torch, torchvision; torch.manual_seed(0); "
            + $"torch.save(torchvision.models.mobilenet_v2().state_dict(), '{pth}')");
        Assert.True(saved.Code == 0, saved.Err);
        output = Run("FineTune", pth, dir.File("data"), dir.File("tuned"));
        // Every tensor but the 1000-class head loads under torchvision's names; the stem stays as loaded.
        Assert.Contains("mobilenetv2_100 from loaded 312 tensors (torchvision names); 2 mis-shaped: head.fc.weight",
            output);
        Assert.Contains("frozen: stem (", output);
        Assert.Contains("backbone learning rate x0.1 of the head's", output);
        Assert.Contains("epoch 1: train loss ", output);
        Assert.True(File.Exists(dir.File("tuned/run/best.safetensors")), output);
    }

    [Fact]
    public void GradCamOverlayWritesTheHeatMapOverThePhoto()
    {
        using var dir = new TempFolder();
        string png = dir.File("cam.png");
        string output = Run("GradCamOverlay", Photo, png);
        Assert.Matches(@"^vgnetg_1_0mp: explained its top class 'class (\d+)' \(#\1, logit ", output);
        Assert.Contains($"wrote {png} (224x224)", output);
        using var image = SKBitmap.Decode(png);
        Assert.True(image is { Width: 224, Height: 224 }, $"{png} is not a 224x224 picture");
        // A photo under a heat map, not a flat fill: many distinct colours.
        var colours = Enumerable.Range(0, 224 * 224).Select(i => image.GetPixel(i % 224, i / 224)).Distinct();
        Assert.True(colours.Count() > 1000, "the overlay has almost no distinct colours");
    }

    [Fact]
    public void DetectShapesTrainsAYoloAndFindsObjects()
    {
        using var dir = new TempFolder();
        string output = Run("DetectShapes", dir.Path);
        var map = Regex.Match(output, @"trained 8 epochs: map07 ([0-9.]+),");
        Assert.True(map.Success, output);
        // About 0.38 with one thread; far below it, the run did not learn.
        Assert.True(double.Parse(map.Groups[1].Value, CultureInfo.InvariantCulture) > 0.1, output);
        Assert.Matches(@"\nval-0000\.jpg: \d+ found, truth (circle|square|triangle) \d+,\d+-\d+,\d+", output);
        Assert.True(File.Exists(dir.File("run/best.safetensors")), output);
    }

    /// <summary>Every C# excerpt of docs/library.md is, line for line, in the sample its section links: the
    /// samples are the source of truth and the page must not drift from them.</summary>
    [Fact]
    public void TheDocumentsExcerptsAreInTheSamples()
    {
        string doc = File.ReadAllText(RepositoryRoot.File("docs", "library.md"));
        var sections = doc.Split("\n## ").Skip(1).ToList();
        Assert.NotEmpty(sections);
        foreach (string section in sections)
        {
            var excerpts = CodeBlock().Matches(section).Select(m => m.Groups[1].Value).ToList();
            if (excerpts.Count == 0)
                continue;
            var sample = SampleLink().Match(section);
            Assert.True(sample.Success, $"section '{section.Split('\n')[0]}' has code but links no sample");
            string source = File.ReadAllText(RepositoryRoot.File("samples", sample.Groups[1].Value, "Program.cs"));
            foreach (string line in excerpts.SelectMany(e => e.Split('\n')).Select(l => l.Trim()))
                Assert.True(line.Length == 0 || line == "..." || source.Contains(line, StringComparison.Ordinal),
                    $"docs/library.md quotes a line samples/{sample.Groups[1].Value} does not have: {line}");
        }
    }

    [GeneratedRegex(@"^ +([0-9.]+)%  (\S+)$", RegexOptions.Multiline)]
    private static partial Regex PredictionLine();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"\(\.\./samples/(\w+)/Program\.cs\)")]
    private static partial Regex SampleLink();
}
