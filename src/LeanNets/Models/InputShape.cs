using System.Globalization;

namespace LeanNets.Models;

/// <summary>The shape of one input image: channels, height, width.</summary>
public readonly record struct InputShape(int Channels, int Height, int Width)
{
    public override string ToString() => $"{Channels}x{Height}x{Width}";

    public long[] WithBatch(long batch) => [batch, Channels, Height, Width];

    /// <summary>Parses "3x224x224" (channels x height x width).</summary>
    public static InputShape Parse(string text)
    {
        var parts = text.Split('x', 'X', ',');
        if (parts.Length == 3 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
            return new InputShape(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
        throw new LeanNetsUsageException($"bad input shape '{text}': expected CxHxW with positive integers, e.g. 3x224x224");
    }
}
