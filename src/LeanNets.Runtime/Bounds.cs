namespace LeanNets;

/// <summary>The one range check for user-given values: a usage error naming the setting, its range and the
/// value.</summary>
internal static class Bounds
{
    public static void Require(bool ok, string name, object value, string range)
    {
        if (!ok)
            throw new LeanNetsUsageException(
                FormattableString.Invariant($"{name} must be {Phrase(range)}, got {value}"));
    }

    // "in" belongs before an interval ("1..100", "[0, 1)") but not before a condition (">= 0", "7 or 8").
    private static string Phrase(string range) =>
        range.Contains("..", StringComparison.Ordinal) || range.StartsWith('[') || range.StartsWith('(')
            ? $"in {range}"
            : range;
}
