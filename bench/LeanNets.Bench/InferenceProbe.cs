using System.Globalization;
using LeanNets.Analysis;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Runtime;

namespace LeanNets.Bench;

/// <summary>Times eval-mode inference of one model; prints one line "ms_per_batch=X tuned=Y".</summary>
public static class InferenceProbe
{
    public static int Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: inference MODEL BATCH ITERS [CxHxW]");
            return 2;
        }
        BenchProgram.InitializeRuntime();
        var spec = ModelRegistry.Get(args[0]);
        int batch = int.Parse(args[1], CultureInfo.InvariantCulture),
            iters = int.Parse(args[2], CultureInfo.InvariantCulture);
        var shape = args.Length > 3 ? InputShape.Parse(args[3]) : spec.DefaultInput;
        using var model = spec.Create(spec.DefaultOptions with { InChannels = shape.Channels });
        double ms = LatencyMeter.Measure(model, shape, batch, iters, warmup: 2).MedianMs;
        Console.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"ms_per_batch={ms:F3} tuned={NativeAllocator.IsTuned}")
        );
        return 0;
    }
}
