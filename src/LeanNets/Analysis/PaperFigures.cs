using System.Globalization;

namespace LeanNets.Analysis;

/// <summary>One row of a paper's result table, as printed (FLOPs and params expanded to integers).</summary>
public sealed record PaperFigure(string Paper, string Table, string Model, string Dataset, int Input, double? Top1, double? Top5,
    string? Metric, long? Flops, long? Params, double? GpuMs, double? CpuMs)
{
    /// <summary>Rows that cite other work (pruning methods, "[n]" references): the papers' comparisons, not their models.</summary>
    public bool IsCitation => Model.Contains('[');

    public int Classes => Dataset switch { "cifar10" => 10, "cifar100" => 100, "voc2007" => 20, _ => 1000 };
}

/// <summary>The papers' figures, shipped inside the library.</summary>
public static class PaperFigures
{
    private static readonly Lazy<IReadOnlyList<PaperFigure>> Rows = new(Load);

    public static IReadOnlyList<PaperFigure> All => Rows.Value;

    /// <summary>The row label without its citation mark ("MobileNetV1_HC_P32 [18]" -> "MobileNetV1_HC_P32").</summary>
    public static string Label(PaperFigure figure) => figure.Model.Split(" [")[0].Trim();

    /// <summary>The paper row a registry configuration reproduces (same label and input size; same classes preferred).</summary>
    public static PaperFigure? For(Models.ModelSpec spec) => All
        .Where(f => spec.IsPaperRow(Label(f)) && f.Input == spec.DefaultInput.Height && (f.Params != null || f.Flops != null))
        .OrderBy(f => f.Classes == spec.DefaultClasses ? 0 : 1)
        .FirstOrDefault();

    private static IReadOnlyList<PaperFigure> Load()
    {
        using var stream = typeof(PaperFigures).Assembly.GetManifestResourceStream("LeanNets.paper-figures.csv")
            ?? throw new InvalidOperationException("paper-figures.csv is not embedded");
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine()!.Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        var rows = new List<PaperFigure>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var f = line.Split(',');
            double? D(string c) => f[Col(c)].Length == 0 ? null : double.Parse(f[Col(c)], CultureInfo.InvariantCulture);
            long? L(string c) => f[Col(c)].Length == 0 ? null : long.Parse(f[Col(c)], CultureInfo.InvariantCulture);
            rows.Add(new PaperFigure(f[Col("paper")], f[Col("table")], f[Col("model")], f[Col("dataset")], int.Parse(f[Col("input")], CultureInfo.InvariantCulture),
                D("top1"), D("top5"), f[Col("metric")].Length == 0 ? null : f[Col("metric")], L("flops"), L("params"), D("gpu_ms"), D("cpu_ms")));
        }
        return rows;
    }
}
