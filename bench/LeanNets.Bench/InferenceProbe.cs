using System.Diagnostics;
using System.Globalization;
using LeanNets.Models;
using LeanNets.Runtime;
using static TorchSharp.torch;

namespace LeanNets.Bench;

/// <summary>Times eval-mode inference of one model; prints one line "ms_per_batch=X tuned=Y".</summary>
public static class InferenceProbe
{
    public static int Run(string[] args)
    {
        if (args.Length < 3) { Console.Error.WriteLine("usage: inference MODEL BATCH ITERS [CxHxW]"); return 2; }
        BenchProgram.InitializeRuntime();
        var spec = ModelRegistry.Get(args[0]);
        int batch = int.Parse(args[1], CultureInfo.InvariantCulture), iters = int.Parse(args[2], CultureInfo.InvariantCulture);
        var shape = args.Length > 3 ? InputShape.Parse(args[3]) : spec.DefaultInput;
        double ms = Measure(spec.Build(spec.DefaultOptions with { InChannels = shape.Channels }), shape, batch, iters);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ms_per_batch={ms:F3} tuned={NativeAllocator.IsTuned}"));
        return 0;
    }

    /// <summary>Median milliseconds per batch after two warm-up runs.</summary>
    public static double Measure(nn.Module<Tensor, Tensor> model, InputShape shape, int batch, int iters)
    {
        model.eval();
        using var _ = no_grad();
        using var input = randn(shape.WithBatch(batch));
        var times = new List<double>();
        for (int i = -2; i < iters; i++) // two warm-up runs
        {
            var sw = Stopwatch.StartNew();
            using (var scope = NewDisposeScope()) model.call(input); // frees every intermediate, not just the output
            if (i >= 0) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
