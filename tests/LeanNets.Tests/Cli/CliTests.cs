using System.Text.Json;
using LeanNets.Cli;

namespace LeanNets.Tests.Cli;

public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = LeanNetsCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void InfoJsonReportsExactParams()
    {
        var (code, output, _) = Run("info", "resnet50", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(25_557_032, doc.RootElement.GetProperty("params").GetInt64());
    }

    [Fact]
    public void InfoPerLayerListsLayers()
    {
        var (code, output, _) = Run("info", "mobilenetv2_100", "--input", "3x32x32", "--classes", "10", "--per-layer");
        Assert.Equal(0, code);
        Assert.Contains("head.fc", output);
        Assert.Contains("Conv2d", output);
    }

    [Fact]
    public void ModelsListsThePeersWithTheirPaperRows()
    {
        var (code, output, _) = Run("models", "--family", "peers", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Contains(
            rows,
            r => r.GetProperty("name").GetString() == "ghostnet_100" && r.GetProperty("params").GetInt64() == 5_182_508
        );
        Assert.All(rows, r => Assert.Equal("peer", r.GetProperty("paper").GetString()));
        (code, output, _) = Run("models", "--family", "vgnet", "--names");
        Assert.Equal(0, code);
        Assert.Contains("vgnetf4_1_5mp_cifar", output.Split('\n', StringSplitOptions.TrimEntries));
    }

    /// <summary>`models` lists detectors beside classifiers, from the shipped counts (no model is built, so it
    /// answers in well under 3 s), filters by task and family, and suggests detectors for a mistyped name.</summary>
    [Fact]
    public void ModelsListsDetectorsQuickly()
    {
        Run("models", "--names"); // the first call of the process pays for JIT and the registry's set-up
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, error) = Run("models", "--json");
        Assert.True(code == 0, error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"models took {clock.Elapsed}");
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(LeanNets.Models.CountedModel.All().Count, rows.Count);
        Assert.Contains(
            rows,
            r => r.GetProperty("name").GetString() == "yolov3_dualconv_g4"
                && r.GetProperty("task").GetString() == "detect"
                && r.GetProperty("params").GetInt64() == 30_054_593
        );
        (code, output, _) = Run("models", "--task", "detect", "--names");
        Assert.Equal(0, code);
        var detectors = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, detectors.Length);
        (code, output, _) = Run("models", "--family", "yolov3", "--names");
        Assert.Equal(detectors, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        (code, _, error) = Run("info", "yolov3_dualconv_g5");
        Assert.Equal(2, code);
        Assert.Contains("yolov3_dualconv_g4", error);
    }

    [Theory]
    [InlineData("info", "resnet05")]
    [InlineData("info", "resnet50", "--input", "3x0x224")]
    [InlineData("info", "resnet50", "--bogus")]
    [InlineData("info", "resnet50", "--input", "1x224x224")]
    [InlineData("models", "--family", "nosuchfamily")]
    [InlineData("models", "--task", "segment")]
    public void UsageErrorsExitWithTwoAndOneLine(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("leannets: error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
