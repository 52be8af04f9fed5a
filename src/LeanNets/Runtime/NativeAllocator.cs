using System.Runtime.InteropServices;

namespace LeanNets.Runtime;

/// <summary>
/// glibc allocator tuning. libtorch frees and re-allocates large activation buffers on every call;
/// by default glibc serves those with mmap and returns them to the kernel, so each call pays for fresh
/// page faults. Keeping big blocks on the heap (no mmap, no trimming) makes them reusable.
/// </summary>
public static partial class NativeAllocator
{
    private const int TrimThreshold = -1; // glibc M_TRIM_THRESHOLD
    private const int MmapMax = -4; // glibc M_MMAP_MAX

    /// <summary>Set to "0" to disable the tuning (the allocator benchmark uses it for the untuned run).</summary>
    public const string EnvironmentSwitch = "LEANNETS_MALLOC_TUNING";

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);

    /// <summary>True when the tuning was applied in this process.</summary>
    public static bool IsTuned { get; private set; }

    /// <summary>Applies the tuning once; a no-op off glibc or when disabled by the environment switch.</summary>
    public static bool TryTune()
    {
        if (IsTuned)
            return true;
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(EnvironmentSwitch) == "0")
            return false;
        try
        {
            bool ok = MallOpt(MmapMax, 0) == 1;
            ok &= MallOpt(TrimThreshold, int.MaxValue) == 1;
            IsTuned = ok;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            IsTuned = false; // musl or another libc without mallopt: nothing to tune.
        }
        return IsTuned;
    }
}
