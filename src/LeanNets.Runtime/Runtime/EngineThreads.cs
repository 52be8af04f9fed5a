namespace LeanNets.Runtime;

/// <summary>The intra-op thread count every engine of the process uses: the one last set (the full library's
/// <c>LeanRuntime.Initialize</c> sets it), else <see cref="Variable"/>, else all cores. An app on the runtime
/// package alone sets it here.</summary>
public static class EngineThreads
{
    /// <summary>The environment variable that sets the default thread count (like OMP_NUM_THREADS): for
    /// processes that share a machine, such as several test or serving processes.</summary>
    public const string Variable = "LEANNETS_THREADS";

    private static int? chosen;

    /// <summary>The count in use: the one set, else the default.</summary>
    public static int Count => chosen ?? Default;

    /// <summary>What no setting means: <see cref="Variable"/> when it holds a count from 1 to 4x the cores, else
    /// all cores.</summary>
    public static int Default =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int n)
        && n >= 1
        && n <= ResourceGuard.MaxThreads
            ? n
            : Environment.ProcessorCount;

    /// <summary>Sets the count for engines made from now on; 1..4x the cores, else refused in one line.</summary>
    public static void Set(int threads) => chosen = ResourceGuard.RequireThreads(threads, "the thread count");
}
