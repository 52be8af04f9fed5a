using LeanNets.Measures;
using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>A paper row beside LeanNets' count of the same configuration.</summary>
public sealed record PaperComparison(PaperFigure Figure, long? Params, long? Macs)
{
    public string? ModelName => Figure.RegistryName;

    public double? ParamsDifference => Figure.Params is long p && Params is long q ? (double)(q - p) / p : null;
    public double? MacsDifference => Figure.Flops is long f && Macs is long m ? (double)(m - f) / f : null;

    /// <summary>
    /// Within the targets: params within 1% and FLOPs within 2% of the paper, or within the rounding of the
    /// printed figure (0.48M stands for 475,000 to 485,000).
    /// </summary>
    public bool WithinTarget =>
        ModelName != null && Close(Figure.Params, Params, 0.01) && Close(Figure.Flops, Macs, 0.02);

    /// <summary>The row's note; rows outside the target without one say so.</summary>
    public string Note =>
        Figure.Note.Length > 0 ? Figure.Note
        : ModelName == null ? "no LeanNets model"
        : WithinTarget ? ""
        : "outside target";

    private static bool Close(long? paper, long? ours, double relative) =>
        paper is not long p
        || ours is not long q
        || Math.Abs(q - p) <= Math.Max(relative * p, PaperTables.PrintedHalfUnit(p));
}

/// <summary>Counts each paper row's registry model (paper-figures.csv names it) at the row's input size and
/// classes.</summary>
public static class PaperTables
{
    /// <summary>Half the unit of the last printed digit: the paper rounds to 2 decimals of M or G.</summary>
    internal static long PrintedHalfUnit(long value)
    {
        long unit = 1;
        while (unit < 10_000_000 && value % (unit * 10) == 0)
            unit *= 10;
        return unit / 2;
    }

    public static IReadOnlyList<PaperComparison> Compare(string paper, Func<PaperFigure, bool>? filter = null)
    {
        var result = new List<PaperComparison>();
        foreach (var figure in PaperFigures.All.Where(f => f.Paper == paper && (filter?.Invoke(f) ?? true)))
        {
            if (figure.Flops == null && figure.Params == null)
                continue;
            if (figure.RegistryName is not string name)
            {
                result.Add(new PaperComparison(figure, null, null));
                continue;
            }
            var counted = CountedModel.Get(name);
            // Rows at the entry's own input and classes read the shipped counts (kept equal to the profiler by a
            // test); the others are built and profiled.
            if (figure.Classes == counted.DefaultClasses
                && counted.DefaultInput == new InputShape(3, figure.Input, figure.Input)
                && ModelCounts.Shipped(counted) is { } shipped)
            {
                result.Add(new PaperComparison(figure, shipped.Params, shipped.Macs));
                continue;
            }
            using var model = counted.Create(figure.Classes, 3);
            var profile = ModelProfiler.Profile(model, [1, 3, figure.Input, figure.Input], name);
            result.Add(new PaperComparison(figure, profile.Params, profile.Macs));
        }
        return result;
    }
}
