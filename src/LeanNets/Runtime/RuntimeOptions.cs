namespace LeanNets.Runtime;

/// <summary>Process-wide settings every LeanNets entry point applies before touching tensors.</summary>
/// <param name="Threads">Intra-op threads; 0 means the default (<c>LEANNETS_THREADS</c>, else all cores).</param>
/// <param name="Seed">Seed for torch and LeanNets' own random streams; null leaves them unseeded.</param>
/// <param name="Deterministic">Repeatable runs: the seed defaults to 0 and every random stream derives from it.</param>
/// <param name="LoadLibTorch">False for a process that only runs ONNX Runtime: libtorch (about 120 MB resident once
/// loaded) is then left unloaded and unconfigured; the thread count still reaches ONNX Runtime.</param>
public sealed record RuntimeOptions(
    int Threads = 0,
    long? Seed = null,
    bool Deterministic = false,
    bool LoadLibTorch = true
);
