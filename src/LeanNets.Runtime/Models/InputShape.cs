using System.Globalization;

namespace LeanNets.Models;

/// <summary>The shape of one input image: channels, height, width.</summary>
public readonly record struct InputShape(int Channels, int Height, int Width)
{
    public override string ToString() => $"{Channels}x{Height}x{Width}";

    public long[] WithBatch(long batch) => [batch, Channels, Height, Width];

    /// <summary>The largest channels and side length an input may have (beyond that, one image needs
    /// gigabytes).</summary>
    public const int MaxChannels = 16,
        MaxSide = 8192;

    /// <summary>Parses "3x224x224" (channels x height x width).</summary>
    public static InputShape Parse(string text)
    {
        var parts = text.Split('x', 'X', ',');
        var values = new int[parts.Length];
        bool ok =
            parts.Length == 3
            && parts
                .Select(
                    (p, i) =>
                        int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) && values[i] > 0
                )
                .All(v => v);
        if (!ok)
            throw new LeanNetsUsageException(
                $"bad input shape '{text}': expected CxHxW with positive integers, e.g. 3x224x224"
            );
        if (values[0] > MaxChannels || values[1] > MaxSide || values[2] > MaxSide)
            throw new LeanNetsUsageException(
                $"input shape '{text}' is too large (at most {MaxChannels}x{MaxSide}x{MaxSide})"
            );
        return new InputShape(values[0], values[1], values[2]);
    }
}
