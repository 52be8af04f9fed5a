namespace LeanNets.Layers;

/// <summary>Channel arithmetic shared by the width-scaled families.</summary>
public static class Channels
{
    /// <summary>
    /// Rounds to the nearest multiple of <paramref name="divisor"/> (at least <paramref name="minValue"/>),
    /// stepping up once when rounding lost more than 10%: the rule MobileNet, GhostNet and VGNet use.
    /// </summary>
    public static int MakeDivisible(double value, int divisor = 8, int? minValue = null)
    {
        int min = minValue ?? divisor;
        int rounded = Math.Max(min, (int)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * value)
            rounded += divisor;
        return rounded;
    }

    /// <summary>Throws a clear error unless <paramref name="channels"/> divides by <paramref name="groups"/>.</summary>
    public static void RequireDivisible(long channels, long groups, string what)
    {
        if (groups <= 0)
            throw new ArgumentException($"{what}: groups must be positive, got {groups}");
        if (channels % groups != 0)
            throw new ArgumentException($"{what}: {channels} channels are not divisible by {groups} groups");
    }
}
