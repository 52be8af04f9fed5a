using System.Globalization;
using System.Text;
using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>One row of a paper's result table, as printed (FLOPs and params expanded to integers).</summary>
/// <param name="RegistryName">the LeanNets model that reproduces the row, if any.</param>
/// <param name="CountClasses">the class count the paper counted the row at, when not its dataset's.</param>
/// <param name="Note">why the row is as it is (a cited work, a different head, a counting convention).</param>
public sealed record PaperFigure(
    string Paper,
    string Table,
    string Model,
    string Dataset,
    int Input,
    double? Top1,
    double? Top5,
    string? Metric,
    long? Flops,
    long? Params,
    double? GpuMs,
    double? CpuMs,
    string? RegistryName,
    int? CountClasses,
    string Note
)
{
    /// <summary>The class count the row's figures are counted at.</summary>
    public int Classes =>
        CountClasses
        ?? Dataset switch
        {
            "cifar10" => 10,
            "cifar100" => 100,
            "voc2007" => 20,
            _ => 1000,
        };
}

/// <summary>The papers' figures, shipped inside the library (Resources/paper-figures.csv).</summary>
public static class PaperFigures
{
    private static readonly Lazy<IReadOnlyList<PaperFigure>> Rows = new(Load);

    public static IReadOnlyList<PaperFigure> All => Rows.Value;

    /// <summary>The paper row a registry configuration reproduces (with counted figures), if any.</summary>
    public static PaperFigure? For(string name, int defaultClasses) =>
        All.Where(f => f.RegistryName == name && (f.Params != null || f.Flops != null))
            .OrderBy(f => f.Classes == defaultClasses ? 0 : 1)
            .FirstOrDefault();

    private static IReadOnlyList<PaperFigure> Load()
    {
        using var stream =
            typeof(PaperFigures).Assembly.GetManifestResourceStream("LeanNets.paper-figures.csv")
            ?? throw new InvalidOperationException("paper-figures.csv is not embedded");
        using var reader = new StreamReader(stream);
        var header = SplitCsvLine(reader.ReadLine()!);
        var rows = new List<PaperFigure>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
                continue;
            var f = SplitCsvLine(line);
            string S(string c) => f[Array.IndexOf(header, c)];
            double? D(string c) => S(c).Length == 0 ? null : double.Parse(S(c), CultureInfo.InvariantCulture);
            long? L(string c) => S(c).Length == 0 ? null : long.Parse(S(c), CultureInfo.InvariantCulture);
            rows.Add(
                new PaperFigure(
                    S("paper"),
                    S("table"),
                    S("model"),
                    S("dataset"),
                    int.Parse(S("input"), CultureInfo.InvariantCulture),
                    D("top1"),
                    D("top5"),
                    S("metric").Length == 0 ? null : S("metric"),
                    L("flops"),
                    L("params"),
                    D("gpu_ms"),
                    D("cpu_ms"),
                    S("registry_name").Length == 0 ? null : S("registry_name"),
                    (int?)L("count_classes"),
                    S("note")
                )
            );
        }
        return rows;
    }

    /// <summary>One CSV record (RFC 4180 quoting: fields with commas are quoted, quotes doubled).</summary>
    internal static string[] SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
