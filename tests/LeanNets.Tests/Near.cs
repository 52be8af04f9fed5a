namespace LeanNets.Tests;

/// <summary>
/// Floating-point comparisons with a stated tolerance: |actual - expected| &lt;= absolute + relative * |expected|.
/// Rounding both sides (xunit's digits argument) fails whenever two close values straddle a rounding boundary, so
/// the suite compares computed values through this only; each call site says why its tolerance is what it is.
/// </summary>
internal static class Near
{
    public static void Equal(double expected, double actual, double absolute, double relative = 0, string? what = null)
    {
        double allowed = absolute + relative * Math.Abs(expected);
        double difference = Math.Abs(actual - expected);
        if (!(difference <= allowed))
            Assert.Fail(
                $"{(what is null ? "" : what + ": ")}expected {expected:R}, actual {actual:R}, difference "
                    + $"{difference:G3} > allowed {allowed:G3} (absolute {absolute:G3}, relative {relative:G3})"
            );
    }
}
