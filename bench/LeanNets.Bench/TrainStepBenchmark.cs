using System.Globalization;
using LeanNets.Analysis;
using LeanNets.IO;
using LeanNets.Measures;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Bench;

/// <summary>
/// `trainstep BATCH SIZE RUNS THREADS JSON MODEL...`: the time of one SGD training step (zero the gradients, forward,
/// cross-entropy on random labels, backward, SGD with momentum 0.9) of registry models at SIZE x SIZE, median of
/// RUNS after 3 warm-up steps, the protocol of bench/pytorch/bench.py --train; one JSON row per model.
/// </summary>
public static class TrainStepBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 6)
        {
            Console.Error.WriteLine("usage: trainstep BATCH SIZE RUNS THREADS JSON MODEL...");
            return 2;
        }
        int Arg(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        int batch = Arg(0), size = Arg(1), runs = Arg(2);
        BenchProgram.InitializeRuntime(Arg(3));
        var rows = new List<object>();
        foreach (string name in args[5..])
        {
            using var model = ModelRegistry.Create(name);
            var latency = TimeSteps(model, batch, size, runs);
            rows.Add(new
            {
                model = name,
                engine = "torchsharp",
                mode = "train",
                batch,
                threads = get_num_threads(),
                median_ms = latency.MedianMs,
                min_ms = latency.MinMs,
                p10_ms = latency.P10Ms,
                p90_ms = latency.P90Ms,
                images_per_second = latency.ImagesPerSecond,
            });
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name,-20} torchsharp train batch {batch} {size}x{size}: {latency.MedianMs,9:F2} ms median, "
                        + $"{latency.ImagesPerSecond,8:F1} img/s, threads {get_num_threads()}"
                )
            );
        }
        JsonFile.Write(args[4], rows);
        return 0;
    }

    private static Latency TimeSteps(nn.Module<Tensor, Tensor> model, int batch, int size, int runs)
    {
        model.train();
        using var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using var x = randn(batch, 3, size, size);
        using var y = randint(0, 1000, [batch], dtype: ScalarType.Int64);
        return LatencyMeter.Time(
            () =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                optimizer.step();
            },
            batch,
            runs
        );
    }
}
