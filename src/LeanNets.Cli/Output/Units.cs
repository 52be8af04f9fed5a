using System.Globalization;

namespace LeanNets.Cli.Output;

/// <summary>Human-readable counts: 25.56M, 4.09G, 997.36K.</summary>
public static class Units
{
    /// <summary>A small rate (a learning rate) to three significant digits without an exponent: 0.0000990, not
    /// 9.9E-05; below 1e-9 the exponent is kept.</summary>
    public static string Rate(double value)
    {
        if (value == 0 || !double.IsFinite(value) || Math.Abs(value) < 1e-9)
            return value.ToString("G3", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value, decimals).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

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
