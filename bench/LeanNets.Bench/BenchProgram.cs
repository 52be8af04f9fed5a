using LeanNets.Runtime;

namespace LeanNets.Bench;

/// <summary>Benchmarks print figures and write JSON under bench/results; none of them asserts timings.</summary>
public static class BenchProgram
{
    private static readonly Dictionary<string, (string Help, Func<string[], int> Run)> Benchmarks = new()
    {
        ["allocator"] = (
            "glibc allocator tuning on vs off: same model inference in two child processes",
            AllocatorBenchmark.Run
        ),
        ["loader"] = (
            "training img/s with and without background loading; image decode cost: loader [MODEL] [BATCHES]",
            LoaderBenchmark.Run
        ),
        ["inference"] = ("(child) time one model's inference: inference MODEL BATCH ITERS [CxHxW]", InferenceProbe.Run),
        ["trainstep"] = (
            "time one SGD training step: trainstep BATCH SIZE RUNS THREADS JSON MODEL...",
            TrainStepBenchmark.Run
        ),
        ["shapes"] = ("write the synthetic shapes detection set: shapes OUT [TRAIN] [VAL] [SIZE]", ShapesDataset.Run),
        ["raccoon-crops"] = (
            "cut a raccoon / background image folder from a one-class VOC set: raccoon-crops VOC OUT [SIDE]",
            RaccoonCrops.Run
        ),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var bench))
        {
            Console.Error.WriteLine("usage: LeanNets.Bench <benchmark> [args]");
            foreach (var (name, (help, _)) in Benchmarks)
                Console.Error.WriteLine($"  {name,-12} {help}");
            return 2;
        }
        return bench.Run(args[1..]);
    }

    /// <summary>Where JSON results go: bench/results next to this project (or the working directory).</summary>
    public static string ResultsPath(string file)
    {
        string dir =
            Environment.GetEnvironmentVariable("LEANNETS_BENCH_RESULTS")
            ?? Path.Combine(FindRepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, file);
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "LeanNets.slnx")))
                return d.FullName;
        return Directory.GetCurrentDirectory();
    }

    internal static void InitializeRuntime(int threads = 0) =>
        LeanRuntime.Initialize(new RuntimeOptions(threads, Seed: 0));
}
