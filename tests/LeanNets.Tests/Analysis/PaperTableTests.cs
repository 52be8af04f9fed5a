using LeanNets.Analysis;
using LeanNets.Measures;

namespace LeanNets.Tests.Analysis;

/// <summary>The DualConv paper's rows that LeanNets reproduces must stay reproduced.</summary>
public class PaperTableTests
{
    private static readonly Lazy<IReadOnlyList<PaperComparison>> Rows = new(() => PaperTables.Compare("dualconv"));

    [Fact]
    public void EveryCountedRowIsWithinTarget()
    {
        var counted = Rows.Value.Where(r => r.ModelName != null).ToList();
        Assert.True(counted.Count >= 70, $"only {counted.Count} rows counted");
        var outside = counted
            .Where(r => !r.WithinTarget)
            .Select(r => $"{r.Figure.Table} {r.Figure.Model} {r.Figure.Dataset}: {r.Params} params, {r.Macs} MACs")
            .ToList();
        Assert.Empty(outside);
    }

    [Fact]
    public void EveryRowWithoutAModelSaysWhy()
    {
        var unexplained = Rows
            .Value.Where(r => r.ModelName == null && r.Figure.Note.Length == 0)
            .Select(r => r.Figure.Model);
        Assert.Empty(unexplained);
    }

    [Fact]
    public void RegistryNamesInTheFiguresExist()
    {
        var unknown = PaperFigures
            .All.Where(f =>
                f.RegistryName != null
                && !LeanNets.Models.ModelRegistry.Contains(f.RegistryName)
                && !LeanNets.Models.Detection.DetectorRegistry.Contains(f.RegistryName)
            )
            .Select(f => f.RegistryName);
        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("mobilenetv2_cifar", 100, 2_369_380, 64_947_000)]
    [InlineData("mobilenetv2_cifar_dualconv_g2", 100, 1_449_356, 41_839_000)]
    [InlineData("mobilenetv2_cifar_dualconv_g4", 100, 1_094_396, 31_062_000)]
    [InlineData("mobilenetv2_cifar_dualconv_g8", 100, 916_916, 25_674_000)]
    [InlineData("mobilenetv2_cifar_dualconv_g16", 100, 829_940, 23_499_000)]
    [InlineData("mobilenetv2_cifar_dualconv_g32", 100, 786_452, 22_412_000)]
    [InlineData("mobilenetv2_100_dualconv_g2", 1000, 2_671_192, 221_455_000)]
    [InlineData("mobilenetv2_100_dualconv_g4", 1000, 2_350_792, 171_781_000)]
    [InlineData("mobilenetv2_100_dualconv_g8", 1000, 2_190_592, 146_944_000)]
    [InlineData("mobilenetv2_100_dualconv_g16", 1000, 2_110_816, 135_542_000)]
    [InlineData("mobilenetv2_100_dualconv_g32", 1000, 2_071_360, 135_259_000)]
    [InlineData("vgg16_cifar_hetconvhead_hetconv_p2", 10, 8_450_570, 175_050_000)]
    [InlineData("vgg16_cifar_hetconvhead_hetconv_p32", 10, 2_321_930, 45_290_000)]
    public void SpecCountsAreReproducedExactly(string name, int classes, long parameters, long macsToThousands)
    {
        var spec = LeanNets.Models.ModelRegistry.Get(name);
        using var model = spec.Create(new LeanNets.Models.ModelOptions(classes, 3));
        var p = ModelProfiler.Profile(model, spec.DefaultInput.WithBatch(1));
        Assert.Equal(parameters, p.Params);
        Assert.InRange(p.Macs, macsToThousands - 5_000, macsToThousands + 5_000);
    }

    [Theory]
    [InlineData(480_000, 5_000)]
    [InlineData(14_730_000, 5_000)]
    [InlineData(916_920, 5)]
    [InlineData(1_300_000_000, 5_000_000)]
    public void PrintedPrecisionIsHalfTheLastDigit(long value, long half) =>
        Assert.Equal(half, PaperTables.PrintedHalfUnit(value));
}
