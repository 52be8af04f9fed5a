using System.Globalization;

namespace LeanNets.Cli.Output;

/// <summary>Human-readable counts: 25.56M, 4.09G, 997.36K.</summary>
public static class Units
{
    public static string Short(double value)
    {
        var c = CultureInfo.InvariantCulture;
        double a = Math.Abs(value);
        return a >= 1e9 ? (value / 1e9).ToString("0.00", c) + "G"
            : a >= 1e6 ? (value / 1e6).ToString("0.00", c) + "M"
            : a >= 1e3 ? (value / 1e3).ToString("0.00", c) + "K"
            : value.ToString("0", c);
    }

    public static string Integer(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with two decimals ("93.61%"); "-" when undefined.</summary>
    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";
}
