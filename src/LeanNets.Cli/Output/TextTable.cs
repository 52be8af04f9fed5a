using System.Text;

namespace LeanNets.Cli.Output;

/// <summary>Aligned plain-text and Markdown tables for command output.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    /// <summary>Columns whose cells are right-aligned (numbers).</summary>
    public HashSet<int> RightAligned { get; } = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
            throw new ArgumentException($"row has {cells.Length} cells, table has {headers.Length} columns");
        rows.Add(cells);
    }

    public string ToText()
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) =>
            sb.AppendLine(
                string.Join(
                        "  ",
                        cells.Select((c, i) => RightAligned.Contains(i) ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))
                    )
                    .TrimEnd()
            );
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        rows.ForEach(Line);
        return sb.ToString();
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", headers) + " |");
        sb.AppendLine("|" + string.Concat(headers.Select((_, i) => RightAligned.Contains(i) ? "---:|" : "---|")));
        foreach (var r in rows)
            sb.AppendLine("| " + string.Join(" | ", r) + " |");
        return sb.ToString();
    }
}
