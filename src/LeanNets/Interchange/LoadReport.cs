namespace LeanNets.Interchange;

/// <summary>A tensor the file has under the expected name but with another shape or an unusable type.</summary>
public sealed record TensorMismatch(string Name, string Expected, string Found);

/// <summary>What loading a state dict into a model did, by tensor name (the model's names).</summary>
public sealed record LoadReport(
    string Naming,
    int Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<TensorMismatch> Mismatched,
    int Converted
)
{
    public bool Complete => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>One line: the counts, then the first few names of each problem.</summary>
    public string Describe()
    {
        var parts = new List<string> { $"loaded {Loaded} tensors ({Naming} names)" };
        if (Converted > 0)
            parts.Add($"{Converted} converted to float32");
        if (Mismatched.Count > 0)
        {
            parts.Add(
                $"{Mismatched.Count} mis-shaped: "
                + Few(Mismatched.Select(m => $"{m.Name} (model {m.Expected}, file {m.Found})").ToList())
            );
        }
        if (Missing.Count > 0)
            parts.Add($"{Missing.Count} missing: {Few(Missing)}");
        if (Unexpected.Count > 0)
            parts.Add($"{Unexpected.Count} unexpected: {Few(Unexpected)}");
        return string.Join("; ", parts);
    }

    private static string Few(IReadOnlyList<string> names, int shown = 3) =>
        string.Join(", ", names.Take(shown)) + (names.Count > shown ? $", ... ({names.Count - shown} more)" : "");
}
