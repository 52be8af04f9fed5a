using TorchSharp;

namespace LeanNets.Runtime;

/// <summary>The one place that prepares a process for LeanNets: allocator, threads, seeds, determinism.</summary>
public static class LeanRuntime
{
    private static readonly object Gate = new();

    /// <summary>The options last applied, or null before the first call.</summary>
    public static RuntimeOptions? Current { get; private set; }

    /// <summary>Intra-op threads for every engine: the count last applied, or the default before the first
    /// call (<see cref="EngineThreads"/>).</summary>
    public static int Threads => EngineThreads.Count;

    /// <summary>Prepares the process; call first in every program. Safe to call again with new options.</summary>
    public static RuntimeOptions Initialize(RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        if (options.Threads < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "threads must be 0 (the default) or positive");
        if (options.Threads > 0)
            ResourceGuard.RequireThreads(options.Threads, "the runtime's thread count");
        lock (Gate)
        {
            // Must precede the first large libtorch allocation to have full effect.
            NativeAllocator.TryTune();
            FinalizerStress.StartIfRequested();
            int threads = options.Threads == 0 ? EngineThreads.Default : options.Threads;
            EngineThreads.Set(threads);
            // libtorch's CPU kernels are deterministic for a fixed thread count; what deterministic mode
            // adds is a fixed seed (0 unless given) so weights, data order and augmentation repeat.
            long? seed = options.Seed ?? (options.Deterministic ? 0 : null);
            if (options.LoadLibTorch)
            {
                torch.set_num_threads(threads); // also loads libtorch
                LibTorchSettings.TryDisableNnpack();
                if (seed is long s)
                    torch.random.manual_seed(s);
            }
            Current = options with { Threads = threads, Seed = seed };
            return Current;
        }
    }
}
