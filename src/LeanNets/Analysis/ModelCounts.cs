using System.Globalization;
using System.Text;
using LeanNets.Measures;
using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>
/// Every registry entry's learnable parameters and MACs at its default input and classes, shipped as a table
/// (Resources/model-counts.csv) so that listing the registry builds no model: profiling all of them takes 15 s to
/// minutes on 2 cores. A test recounts every entry and keeps the table equal to the profiler
/// (<c>LEANNETS_WRITE_COUNTS=1</c> on that test rewrites it); `leannets models --recount` recounts on the spot.
/// </summary>
public static class ModelCounts
{
    public const string Header = "name,input,classes,params,macs";

    public sealed record Row(string Name, string Input, int Classes, long Params, long Macs);

    private static readonly Lazy<IReadOnlyDictionary<string, Row>> Table = new(Load);

    /// <summary>The shipped counts of <paramref name="model"/>, or null when the table has no row for it at its
    /// current default input and classes (a newly added or changed entry: it is then counted).</summary>
    public static Row? Shipped(CountedModel model) =>
        Table.Value.TryGetValue(model.Name, out var row)
        && row.Input == model.DefaultInput.ToString()
        && row.Classes == model.DefaultClasses
            ? row
            : null;

    /// <summary>Builds <paramref name="model"/> at its defaults and profiles it.</summary>
    public static Row Count(CountedModel model)
    {
        using var built = model.Create();
        var profile = ModelProfiler.Profile(built, model.DefaultInput.WithBatch(1), model.Name);
        return new Row(model.Name, model.DefaultInput.ToString(), model.DefaultClasses, profile.Params, profile.Macs);
    }

    /// <summary>The table's text for these rows (the format of Resources/model-counts.csv).</summary>
    public static string Format(IEnumerable<Row> rows)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var r in rows)
            text.Append(CultureInfo.InvariantCulture, $"{r.Name},{r.Input},{r.Classes},{r.Params},{r.Macs}\n");
        return text.ToString();
    }

    private static IReadOnlyDictionary<string, Row> Load()
    {
        using var stream =
            typeof(ModelCounts).Assembly.GetManifestResourceStream("LeanNets.model-counts.csv")
            ?? throw new InvalidOperationException("model-counts.csv is not embedded");
        using var reader = new StreamReader(stream);
        if (reader.ReadLine() != Header)
            throw new InvalidOperationException($"model-counts.csv does not start with '{Header}'");
        var rows = new Dictionary<string, Row>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var f = line.Split(',');
            rows[f[0]] = new Row(
                f[0],
                f[1],
                int.Parse(f[2], CultureInfo.InvariantCulture),
                long.Parse(f[3], CultureInfo.InvariantCulture),
                long.Parse(f[4], CultureInfo.InvariantCulture)
            );
        }
        return rows;
    }
}
