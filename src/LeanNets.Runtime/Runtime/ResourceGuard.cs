using System.Globalization;

namespace LeanNets.Runtime;

/// <summary>
/// The one resource guard: what this process may use, and the refusal every entry point gives before it starts
/// work that cannot fit. Memory is what the OS will still give (MemAvailable) and, inside a container, what the
/// process's memory cgroup still allows; threads are at most 4x the cores, wherever the count comes from (an
/// option, a recipe, a checkpoint header, the environment). A process that shares a machine can be given a
/// smaller budget with <see cref="MemoryVariable"/>, as <see cref="EngineThreads.Variable"/> gives it fewer
/// threads. Estimates come from the layer above (<c>Measures.MemoryEstimate</c>); the policy lives here alone.
/// </summary>
public static class ResourceGuard
{
    /// <summary>The share of the available memory one piece of work may be estimated to take: estimates are
    /// rough, and the rest of the process (runtime, data, reports) needs some too.</summary>
    public const double MemoryShare = 0.9;

    /// <summary>Threads beyond this only add contention (and a count from a damaged header of 100000 ended in a
    /// native stack overflow).</summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    /// <summary>The environment variable that caps the memory this process may plan for (bytes, or with a K, M
    /// or G suffix: "6G"), for processes that share a machine, such as several services or test children.
    /// </summary>
    public const string MemoryVariable = "LEANNETS_MEMORY_LIMIT";

    /// <summary>Memory this process can still be given: the least of the OS's MemAvailable, its memory cgroup's
    /// room and <see cref="MemoryVariable"/>'s budget less what the process holds already; null where none says.
    /// </summary>
    public static long? AvailableBytes()
    {
        long? budget = ParseBytes(Environment.GetEnvironmentVariable(MemoryVariable), MemoryVariable)
            is long limit
            ? Math.Max(0, limit - Environment.WorkingSet)
            : null;
        long?[] limits =
        [
            MemAvailable(ReadOrNull("/proc/meminfo")),
            CgroupAvailable(ReadOrNull("/proc/self/cgroup"), "/sys/fs/cgroup"),
            budget,
        ];
        return limits.Min(); // null only when none of them says
    }

    /// <summary>"6G", "512M", "100000K" or a plain byte count; null for an unset variable; a usage error naming
    /// <paramref name="name"/> for anything else.</summary>
    internal static long? ParseBytes(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        long unit = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 1,
        };
        string digits = unit == 1 ? text : text[..^1];
        bool ok = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count)
            && count > 0 && count <= long.MaxValue / unit;
        return ok
            ? count * unit
            : throw new LeanNetsUsageException(
                $"{name} must be a positive byte count, optionally with K, M or G (e.g. 6G); got '{text}'");
    }

    /// <summary>Refuses work estimated at <paramref name="neededBytes"/> when it exceeds
    /// <see cref="MemoryShare"/> of the available memory, in one line naming both figures and what to change.
    /// <paramref name="subject"/> and <paramref name="verb"/> read "SUBJECT needs about N GB to VERB".</summary>
    public static void RequireMemory(long neededBytes, string subject, string verb, string advice)
    {
        if (AvailableBytes() is not long available || neededBytes <= MemoryShare * available)
            return;
        throw new LeanNetsUsageException(FormattableString.Invariant(
            $"{subject} needs about {neededBytes / 1e9:F1} GB to {verb}; {available / 1e9:F1} GB is available: {advice}"
        ));
    }

    /// <summary>Returns <paramref name="threads"/> when it is 1..<see cref="MaxThreads"/>, else refuses it naming
    /// where it came from (<paramref name="source"/>, e.g. "--threads" or "the checkpoint's thread count").</summary>
    public static int RequireThreads(int threads, string source)
    {
        Bounds.Require(threads > 0 && threads <= MaxThreads, source, threads,
            $"1..{MaxThreads} (4x this machine's {Environment.ProcessorCount} cores)");
        return threads;
    }

    /// <summary>MemAvailable from /proc/meminfo's text, in bytes.</summary>
    internal static long? MemAvailable(string? meminfo)
    {
        string? line = meminfo?.Split('\n')
            .FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        string[]? parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], CultureInfo.InvariantCulture, out long kb)
            ? kb * 1024
            : null;
    }

    /// <summary>What the memory cgroup named in <paramref name="procCgroup"/> (the text of /proc/self/cgroup) still
    /// allows: its limit less its usage, with inactive file pages counted as free (the kernel reclaims them
    /// before it kills). Reads cgroup v2 (memory.max) and v1 (memory.limit_in_bytes) under
    /// <paramref name="mountRoot"/>; null when there is no limit or nothing can be read.</summary>
    internal static long? CgroupAvailable(string? procCgroup, string mountRoot)
    {
        foreach (string line in (procCgroup ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(':', 3);
            if (fields.Length != 3)
                continue;
            string path = fields[2].Trim();
            if (fields[1] == "")
            {
                foreach (string mount in new[] { mountRoot, Path.Combine(mountRoot, "unified") })
                    if (Available(mount + path, "memory.max", "memory.current", "inactive_file") is long v2)
                        return v2;
            }
            else if (fields[1].Split(',').Contains("memory"))
            {
                string mount = Path.Combine(mountRoot, "memory");
                // A container often sees its own cgroup at the mount's root rather than at the host's path.
                foreach (string dir in new[] { mount + path, mount })
                {
                    var v1 = Available(dir, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");
                    if (v1 is long available)
                        return available;
                }
            }
        }
        return null;
    }

    private static long? Available(string dir, string limitFile, string usageFile, string inactiveKey)
    {
        string? limitText = ReadOrNull(Path.Combine(dir, limitFile))?.Trim();
        // "max" (v2) or a page-rounded 2^63 (v1) mean no limit.
        if (!long.TryParse(limitText, CultureInfo.InvariantCulture, out long limit) || limit >= long.MaxValue / 2)
            return null;
        if (!long.TryParse(ReadOrNull(Path.Combine(dir, usageFile))?.Trim(), CultureInfo.InvariantCulture,
                out long usage))
            return null;
        long inactive = 0;
        string? stat = ReadOrNull(Path.Combine(dir, "memory.stat"));
        string? line = stat?.Split('\n').FirstOrDefault(l => l.StartsWith(inactiveKey + " ", StringComparison.Ordinal));
        if (line != null)
            long.TryParse(line[(inactiveKey.Length + 1)..], CultureInfo.InvariantCulture, out inactive);
        return Math.Max(0, limit - usage + inactive);
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
