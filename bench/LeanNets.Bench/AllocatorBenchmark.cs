using System.Diagnostics;
using System.Globalization;
using LeanNets.IO;
using LeanNets.Runtime;

namespace LeanNets.Bench;

/// <summary>
/// The effect of the glibc allocator tuning: the same inference in two child processes, one with the
/// tuning switched off by the environment. Children, because mallopt settings cannot be undone in-process.
/// </summary>
public static class AllocatorBenchmark
{
    public static int Run(string[] args)
    {
        string model = args.Length > 0 ? args[0] : "mobilenetv2_100";
        string batch = args.Length > 1 ? args[1] : "32";
        string iters = args.Length > 2 ? args[2] : "10";
        var results = new List<object>();
        foreach (bool tuned in new[] { false, true })
        {
            double ms = RunChild(tuned, model, batch, iters);
            double imagesPerSecond = int.Parse(batch, CultureInfo.InvariantCulture) * 1000.0 / ms;
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{model} batch {batch}: allocator {(tuned ? "tuned  " : "default")} {ms,9:F1} ms/batch  "
                        + $"{imagesPerSecond,8:F1} img/s"
                )
            );
            results.Add(
                new
                {
                    model,
                    batch,
                    tuned,
                    ms_per_batch = ms,
                    images_per_second = imagesPerSecond,
                }
            );
        }
        string path = BenchProgram.ResultsPath("allocator.json");
        JsonFile.Write(path, results);
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static double RunChild(bool tuned, string model, string batch, string iters)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under `dotnet Bench.dll` the process path is dotnet itself: pass the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(AllocatorBenchmark).Assembly.Location);
        foreach (var a in new[] { "inference", model, batch, iters })
            start.ArgumentList.Add(a);
        start.Environment[NativeAllocator.EnvironmentSwitch] = tuned ? "1" : "0";
        using var child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line =
            output.Split('\n').FirstOrDefault(l => l.StartsWith("ms_per_batch=", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"child benchmark failed (exit {child.ExitCode}): {output}");
        return double.Parse(line.Split(' ')[0]["ms_per_batch=".Length..], CultureInfo.InvariantCulture);
    }
}
