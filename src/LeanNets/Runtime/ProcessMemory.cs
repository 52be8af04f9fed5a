namespace LeanNets.Runtime;

/// <summary>This process's peak resident memory (Linux: VmHWM), which can be reset so each measurement gets
/// its own peak. Elsewhere both calls do nothing and the peak is unknown (null).</summary>
public static class ProcessMemory
{
    /// <summary>Resets the peak to the current resident size (writes 5 to /proc/self/clear_refs).</summary>
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public static long? PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
                        * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }
}
