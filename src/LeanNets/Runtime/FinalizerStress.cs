namespace LeanNets.Runtime;

/// <summary>
/// A diagnostic mode for native-lifetime bugs: with <c>LEANNETS_FINALIZER_STRESS=1</c> a background thread
/// collects garbage and runs finalizers continuously. A TorchSharp object whose native memory is freed by its
/// finalizer while libtorch still reads it (a temporary scalar passed to a call; see <see cref="OwnedScalars"/>)
/// then fails within seconds instead of once in a long run: TorchSharp's own BatchNorm2d failed within a second
/// this way. Used by the soak script and the test suite; it slows work down, so it is never on by default.
/// </summary>
public static class FinalizerStress
{
    public const string Variable = "LEANNETS_FINALIZER_STRESS";

    private static int started;

    /// <summary>Starts the collecting thread once per process when <see cref="Variable"/> is 1.</summary>
    public static void StartIfRequested()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1" || Interlocked.Exchange(ref started, 1) == 1)
            return;
        var thread = new Thread(Collect) { IsBackground = true, Name = "LeanNets finalizer stress" };
        thread.Start();
    }

    private static void Collect()
    {
        while (true)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
