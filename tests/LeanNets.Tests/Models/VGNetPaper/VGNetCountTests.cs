using LeanNets.Analysis;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Models.VGNetPaper;

namespace LeanNets.Tests.Models.VGNetPaper;

/// <summary>Every VGNet of the paper's Tables 3 and 4 against the authors' reference structure, as exact
/// integers.</summary>
public class VGNetCountTests
{
    [Theory]
    [InlineData("vgnetg_1_0mp", 997_358, 141_300_232)]
    [InlineData("vgnetg_1_0mp_se", 1_143_190, 141_443_080)]
    [InlineData("vgnetg_1_0mp_silu", 997_358, 141_300_232)]
    [InlineData("vgnetg_1_5mp", 1_502_024, 187_819_008)]
    [InlineData("vgnetg_1_5mp_se", 1_701_680, 188_015_104)]
    [InlineData("vgnetg_2_0mp", 2_006_380, 300_637_784)]
    [InlineData("vgnetg_2_0mp_se", 2_344_696, 300_971_544)]
    [InlineData("vgnetg_2_5mp", 2_492_756, 398_936_736)]
    [InlineData("vgnetg_2_5mp_se", 2_922_284, 399_360_672)]
    [InlineData("vgnetc_1_5mp", 1_506_344, 187_819_008)]
    [InlineData("vgnetf1_1_5mp", 1_485_448, 187_819_008)]
    [InlineData("vgnetf2_1_5mp", 1_485_896, 187_819_008)]
    [InlineData("vgnetf3_1_5mp", 1_485_448, 187_819_008)]
    [InlineData("vgnetf4_1_5mp", 1_485_896, 187_819_008)]
    public void ImageNetCountsEqualReference(string name, long parameters, long macs)
    {
        // The shipped counts are the profiler's at 224x224, 1000 classes (ModelCountsTests).
        var p = LeanNets.Analysis.ModelCounts.Shipped(CountedModel.Get(name))!;
        Assert.Equal(parameters, p.Params);
        // The spec gives MACs to 0.01M: within half of that.
        Near.Equal(macs, p.Macs, 5_000);
    }

    [Theory]
    [InlineData("vgnetg_1_0mp_cifar", 632_300, 665_510)]
    [InlineData("vgnetg_1_5mp_cifar", 994_442, 1_040_612)]
    [InlineData("vgnetg_2_0mp_cifar", 1_498_798, 1_544_968)]
    [InlineData("vgnetg_2_5mp_cifar", 1_953_494, 2_002_544)]
    public void SmallInputCountsEqualReference(string name, long params10, long params100)
    {
        using var ten = ModelRegistry.Create(name, numClasses: 10);
        using var hundred = ModelRegistry.Create(name, numClasses: 100);
        Assert.Equal(params10, ModelProfiler.CountParams(ten));
        Assert.Equal(params100, ModelProfiler.CountParams(hundred));
    }

    [Fact]
    public void SmallInputMacsEqualReference()
    {
        using var model = ModelRegistry.Create("vgnetg_1_0mp_cifar", numClasses: 100);
        var p = ModelProfiler.Profile(model, [1, 3, 32, 32]);
        // The reference prints 43.73M: within half a unit of the last digit.
        Near.Equal(43.73, p.Macs / 1e6, 0.005);
    }

    [Fact]
    public void EveryTableThreeRowIsReproduced()
    {
        var rows = PaperTables.Compare("vgnet");
        Assert.Equal(20, rows.Count(r => r.ModelName != null));
        Assert.All(rows, r => Assert.True(r.WithinTarget, $"{r.Figure.Model}: {r.Params} vs {r.Figure.Params}"));
    }

    [Fact]
    public void FixedKernelsAreBuffersNotParameters()
    {
        using var model = ModelRegistry.Create("vgnetf2_1_5mp");
        var p = ModelProfiler.Profile(model, [1, 3, 64, 64]);
        // Downsampling blur over 32+64+128+256 channels, mixing kernels over 2368 half-channels, last over 512.
        Assert.Equal(9 * (480 + 2368 + 512), p.FixedValues);
        Assert.DoesNotContain(model.named_parameters(), n => n.name.Contains("fixed"));
    }
}
