using System.Text.Json;
using System.Text.RegularExpressions;
using LeanNets.Analysis;
using LeanNets.IO;
using LeanNets.Models;
using LeanNets.Reports.Viz;
using LeanNets.Tests.Cli;
using LeanNets.Tests.Data;
using SkiaSharp;

namespace LeanNets.Tests.Reports;

public partial class VizReportTests
{
    public static TheoryData<string> OneModelPerFamily() =>
        new(Enum.GetValues<ModelFamily>()
            .Where(f => f != ModelFamily.Custom)
            .Select(f => ModelRegistry.List(f, null)[0].Name));

    internal static string Picture(TempFolder dir, string name = "picture.png")
    {
        string path = dir.File(name);
        using var bitmap = new SKBitmap(40, 30);
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(6 * x), (byte)(8 * y), (byte)(x * y % 256)));
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    /// <summary>The command works for every family at a small input: every linked picture exists and decodes,
    /// the atlas lists every spatial layer, and viz.json agrees with the page.</summary>
    [Theory]
    [MemberData(nameof(OneModelPerFamily))]
    public void ReportCoversEveryFamily(string model)
    {
        using var dir = new TempFolder();
        string image = Picture(dir), output = dir.File("report");
        int size = Math.Min(64, ModelRegistry.Get(model).DefaultInput.Height);
        var (code, stdout, stderr) = CliTests.Run(
            "viz", "report", model, "--image", image, "--out", output, "--input-size", size.ToString(),
            "--max-kernels", "16", "--top", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("report:", stdout);
        string html = File.ReadAllText(Path.Combine(output, VizReport.PageName));
        var sources = ImageSources().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(sources);
        foreach (var src in sources)
        {
            Assert.DoesNotContain("/", src); // relative, in the folder
            using var bitmap = SKBitmap.Decode(Path.Combine(output, src));
            Assert.True(bitmap is { Width: > 0 }, src);
        }
        using var net = ModelRegistry.Create(model);
        int spatial = KernelInspector.SpatialKernels(net).Count;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, VizReport.JsonName)));
        var subject = json.RootElement[0];
        Assert.Equal(spatial, subject.GetProperty("layers").GetArrayLength());
        Assert.Equal(net.Stages.Count, subject.GetProperty("images")[0].GetProperty("stages").GetArrayLength());
        // At 64 px a /32 network's last stage is 2x2: the page says the map cannot locate anything (or that it is
        // all zero), rather than show a uniform overlay without a word.
        if (size / net.FeatureInfo[^1].Reduction <= 2)
            Assert.True(html.Contains("too coarse to locate") || html.Contains("zero everywhere"), model);
        foreach (var layer in subject.GetProperty("layers").EnumerateArray())
            // Shares of one layer's kernels sum to one up to the rounding of a few doubles.
            Near.Equal(1.0, layer.GetProperty("shares").EnumerateObject().Sum(p => p.Value.GetDouble()), 1e-6);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*")); // no temporary folder left
    }

    [Fact]
    public void CompareShowsModelsSideBySide()
    {
        using var dir = new TempFolder();
        string image = Picture(dir), output = dir.File("cmp");
        var (code, _, stderr) = CliTests.Run(
            "viz", "report", "resnet50_cifar", "--image", image, "--compare", "resnet50_cifar_dualconv_g4",
            "--out", output, "--max-kernels", "8", "--class", "3", "--stages", "-1");
        Assert.True(code == 0, stderr);
        string html = File.ReadAllText(Path.Combine(output, VizReport.PageName));
        Assert.Contains("id=\"compare\"", html);
        Assert.Contains("s1-img0-class3-gradcam.png", html);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, VizReport.JsonName)));
        Assert.Equal(2, json.RootElement.GetArrayLength());
        Assert.All(json.RootElement.EnumerateArray(), s =>
        {
            var img = s.GetProperty("images")[0];
            Assert.Equal(1, img.GetProperty("stages").GetArrayLength());
            Assert.Equal(3, img.GetProperty("attributions")[0].GetProperty("class").GetInt32());
        });

        // Without --class, the compared model explains the class the first one predicted, so the side-by-side
        // row compares one question.
        (code, _, stderr) = CliTests.Run(
            "viz", "report", "resnet50_cifar", "--image", image, "--compare", "resnet50_cifar_dualconv_g4",
            "--out", dir.File("own"), "--max-kernels", "8", "--top", "1", "--stages", "-1");
        Assert.True(code == 0, stderr);
        using var own = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("own"), VizReport.JsonName)));
        var first = own.RootElement[0].GetProperty("images")[0];
        int predicted = first.GetProperty("top5")[0].GetProperty("class").GetInt32();
        Assert.All(own.RootElement.EnumerateArray(), s => Assert.Equal(predicted,
            s.GetProperty("images")[0].GetProperty("attributions")[0].GetProperty("class").GetInt32()));
    }

    [Theory]
    [InlineData("missing", "image not found")]
    [InlineData("stage", "stage 9")]
    [InlineData("class", "target class 10 is out of range")]
    [InlineData("model", "unknown model")]
    public void BadInputIsOneLineAndLeavesNoFolder(string what, string message)
    {
        using var dir = new TempFolder();
        string image = Picture(dir), output = dir.File("bad");
        string[] args = what switch
        {
            "missing" => ["viz", "report", "resnet50_cifar", "--image", dir.File("nope.png"), "--out", output],
            "stage" => ["viz", "report", "resnet50_cifar", "--image", image, "--out", output, "--stages", "9"],
            "class" => ["viz", "report", "resnet50_cifar", "--image", image, "--out", output, "--class", "10"],
            _ => ["viz", "report", "resnet_5O", "--image", image, "--out", output],
        };
        var (code, _, stderr) = CliTests.Run(args);
        Assert.Equal(what == "missing" ? 1 : 2, code); // a missing file is a failure (1), a bad setting usage (2)
        Assert.Contains(message, stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AFolderOfOtherFilesIsNeverReplaced()
    {
        using var dir = new TempFolder();
        string image = Picture(dir), output = dir.File("mine");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "thesis.tex"), "keep me");
        var (code, _, stderr) = CliTests.Run("viz", "report", "vgnetg_1_0mp_cifar", "--image", image, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains("not an earlier report", stderr);
        Assert.Equal(["thesis.tex"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFolderAndNoTemporaryOne()
    {
        using var dir = new TempFolder();
        string target = dir.File("out");
        AtomicDirectory.Write(target, "index.html", d => File.WriteAllText(Path.Combine(d, "index.html"), "one"));
        Assert.Throws<InvalidOperationException>(() =>
            AtomicDirectory.Write(target, "index.html", d =>
            {
                File.WriteAllText(Path.Combine(d, "index.html"), "two");
                throw new InvalidOperationException("disk full");
            })
        );
        Assert.Equal("one", File.ReadAllText(Path.Combine(target, "index.html")));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
        AtomicDirectory.Write(target, "index.html", d => File.WriteAllText(Path.Combine(d, "index.html"), "three"));
        Assert.Equal("three", File.ReadAllText(Path.Combine(target, "index.html")));
    }

    /// <summary>Issue 24 item 5: a symbolic link at a folder output is refused, never replaced by a folder; files
    /// written into a shared folder (eval's, next to a run's checkpoints) arrive all together or not at all.
    /// </summary>
    [Fact]
    public void LinksAreRefusedAndFileSetsArriveWhole()
    {
        using var dir = new TempFolder();
        string real = dir.File("real"), link = dir.File("link");
        Directory.CreateDirectory(real);
        File.CreateSymbolicLink(link, real);
        var e = Assert.Throws<LeanNetsUsageException>(() =>
            AtomicDirectory.Write(link, "index.html", d => File.WriteAllText(Path.Combine(d, "index.html"), "x")));
        Assert.Contains("is a symbolic link", e.Message);
        Assert.NotNull(new FileInfo(link).LinkTarget);

        string run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "best.ckpt"), "weights");
        File.WriteAllText(Path.Combine(run, "eval.json"), "old");
        Assert.Throws<InvalidOperationException>(() =>
            AtomicDirectory.WriteInto(run, d =>
            {
                File.WriteAllText(Path.Combine(d, "confusion.png"), "new");
                throw new InvalidOperationException("disk full");
            })
        );
        Assert.Equal(["best.ckpt", "eval.json"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Order());
        Assert.Equal("old", File.ReadAllText(Path.Combine(run, "eval.json")));
        AtomicDirectory.WriteInto(run, d =>
        {
            File.WriteAllText(Path.Combine(d, "confusion.png"), "new");
            File.WriteAllText(Path.Combine(d, "eval.json"), "new");
        });
        Assert.Equal(["best.ckpt", "confusion.png", "eval.json"],
            Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Order());
        Assert.Equal("new", File.ReadAllText(Path.Combine(run, "eval.json")));
    }

    [GeneratedRegex("<img[^>]* src=\"([^\"]+)\"")]
    private static partial Regex ImageSources();
}
