namespace LeanNets;

/// <summary>The one range check for user-given values: a usage error naming the setting, its range and the
/// value.</summary>
internal static class Bounds
{
    public static void Require(bool ok, string name, object value, string range)
    {
        if (!ok)
            throw new LeanNetsUsageException(FormattableString.Invariant($"{name} must be in {range}, got {value}"));
    }
}
