using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using LeanNets.Data.Detection;
using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Models.Detection;
using LeanNets.Runtime;
using LeanNets.Tests.Data;
using SkiaSharp;
using Xunit.Abstractions;

namespace LeanNets.Tests.Cli;

/// <summary>
/// Issue 24, row 1: work too large for the memory it may use is refused before it allocates, by every entry point.
/// Each case is the CLI in a child process with a memory budget (<see cref="ResourceGuard.MemoryVariable"/>) and a
/// resident-memory limit enforced from outside, so a guard that lets work through fails this test instead of
/// being killed by the OOM killer with the test run around it.
/// </summary>
public class ResourceBoundsTests(ITestOutputHelper log)
{
    private const string Budget = "3G";
    private const long Limit = 4L << 30; // the budget plus slack for the runtime itself

    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "LeanNets.Cli.dll");

    [Fact]
    public void EveryEntryPointRefusesWorkThatCannotFit()
    {
        using var dir = new TempFolder();
        string voc = dir.File("voc"), mini = RepositoryRoot.File("data", "fashion-mnist-mini");
        SyntheticShapes.Write(voc, 4, "train", 64, seed: 1);
        SyntheticShapes.Write(voc, 4, "val", 64, seed: 2);
        string picture = dir.File("picture.png"), classifier = dir.File("fm.safetensors");
        string detector = dir.File("det.safetensors");
        SyntheticData.WritePng(picture, 64, 64, SKColors.Gray);
        using (var model = ModelRegistry.Create("vgnetg_1_0mp_cifar", 10, 1))
            WeightFile.Write(classifier, StateDict.Of(model));
        using (var model = DetectorRegistry.Get("yolov3_w25").Create(SyntheticShapes.Classes.Length))
            WeightFile.Write(detector, StateDict.Of(model));
        // ONNX files carry their memory per image in the card: their work is checked without building the model.
        string onnx = dir.File("fm.onnx");
        LeanNets.Export.ModelExport.Save("vgnetg_1_0mp_cifar", classifier, null,
            new LeanNets.Export.OnnxExportOptions(0, 0), onnx);

        // Each was measured above 6 GB, or killed by the OOM killer, before the guard covered its command.
        string[][] cases =
        [
            ["bench", "vgnetg_1_0mp_cifar", "--input", "3x8192x8192", "--batch", "16"],
            ["bench", "vgnetg_1_0mp_cifar", "--input", "3x4096x4096", "--batch", "64"],
            ["bench", "vgnetg_1_0mp_cifar", "--batch", "4096"],
            ["info", "vgnetg_1_0mp_cifar", "--input", "3x8192x8192"],
            ["train", "yolov3_w25", "--data", voc, "--input-size", "1024", "--batch-size", "32", "--output",
                dir.File("det-run")],
            ["train", "yolov3_w25", "--data", voc, "--input-size", "4096", "--batch-size", "8", "--output",
                dir.File("det-run")],
            ["train", "vgnetg_1_0mp_cifar", "--data", mini, "--batch-size", "4096", "--output", dir.File("fm-run")],
            // The bundled test split is small (1,000 images, 1.3 GB measured in one batch): a smaller budget.
            ["--budget=1500M", "eval", "vgnetg_1_0mp_cifar", "--weights", classifier, "--data", mini,
                "--batch-size", "65536", "--output", dir.File("eval")],
            ["eval", "yolov3_w25", "--weights", detector, "--data", voc, "--split", "val", "--input-size", "4096",
                "--output", dir.File("det-eval")],
            ["viz", "report", "vgnetg_1_0mp_cifar", "--image", picture, "--input-size", "8192", "--out",
                dir.File("viz")],
            ["export", "vgg16_cifar", "--input-size", "8192", "--onnx", dir.File("v.onnx")],
            // Calibration holds the images and every layer's outputs for a batch of 16 (0.2 GB): a budget below that.
            ["--budget=400M", "quantize", "vgnetg_1_0mp_cifar", "--weights", classifier, "--calibrate", mini,
                "--images", "10000", "--output", dir.File("q.onnx")],
            ["detect", "yolov3_w25", picture, "--weights", detector, "--input-size", "4096", "--out",
                dir.File("found")],
            ["--budget=1500M", "eval", onnx, "--data", mini, "--batch-size", "65536", "--output",
                dir.File("onnx-eval")],
            ["bench", onnx, "--batch", "4096"],
        ];
        var outcomes = new ConcurrentBag<(string Case, ChildProcess.Result Result)>();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, args =>
        {
            string budget = args[0].StartsWith("--budget=", StringComparison.Ordinal) ? args[0][9..] : Budget;
            args = args[0] == $"--budget={budget}" ? args[1..] : args;
            var env = new Dictionary<string, string>
            {
                [ResourceGuard.MemoryVariable] = budget,
                [EngineThreads.Variable] = "1",
            };
            var result = ChildProcess.Run(ChildProcess.Start("dotnet", [Cli, .. args], env), TimeSpan.FromMinutes(3),
                maxResidentBytes: Limit);
            outcomes.Add((string.Join(' ', args.Take(3)), result));
        });

        var wrong = new List<string>();
        foreach (var (name, result) in outcomes.OrderBy(o => o.Case))
        {
            string error = result.Err.Trim();
            log.WriteLine($"{name}: exit {result.Code}, peak {result.PeakResidentBytes / 1e6:F0} MB: {error}");
            bool refused = result.Code == 2
                && Regex.IsMatch(error,
                    @"^leannets: error: .* needs about [0-9.]+ GB to (run|train|calibrate); [0-9.]+ GB is available: ")
                && !error.Contains('\n');
            if (!refused)
                wrong.Add($"{name}: exit {result.Code}: {error}");
        }
        Assert.True(wrong.Count == 0, "not refused in one line:\n" + string.Join('\n', wrong));
        // Nothing was started, so nothing was written.
        foreach (string output in new[] { "det-run", "fm-run", "eval", "det-eval", "viz", "v.onnx", "q.onnx", "found" })
            Assert.False(Path.Exists(dir.File(output)), output);
    }

    /// <summary>The budget comes from the OS, a memory cgroup (v1 or v2, as containers set them) and the
    /// environment, whichever is least; a malformed budget is named.</summary>
    [Fact]
    public void TheBudgetIsTheLeastOfWhatTheSystemSays()
    {
        Assert.Equal(2_000_000L * 1024, ResourceGuard.MemAvailable("MemTotal: 9 kB\nMemAvailable:    2000000 kB\n"));
        Assert.Null(ResourceGuard.MemAvailable("MemTotal: 9 kB\n"));

        using var dir = new TempFolder();
        string v2 = Path.Combine(dir.Path, "user.slice");
        Directory.CreateDirectory(v2);
        File.WriteAllText(Path.Combine(v2, "memory.max"), "1000000\n");
        File.WriteAllText(Path.Combine(v2, "memory.current"), "600000\n");
        File.WriteAllText(Path.Combine(v2, "memory.stat"), "anon 1\ninactive_file 100000\nactive_file 5\n");
        Assert.Equal(500_000L, ResourceGuard.CgroupAvailable("0::/user.slice\n", dir.Path));
        File.WriteAllText(Path.Combine(v2, "memory.max"), "max\n");
        Assert.Null(ResourceGuard.CgroupAvailable("0::/user.slice\n", dir.Path));

        // v1 as a container sees it: the host's path in /proc/self/cgroup, its own cgroup at the mount's root.
        string v1 = Path.Combine(dir.Path, "memory");
        Directory.CreateDirectory(v1);
        File.WriteAllText(Path.Combine(v1, "memory.limit_in_bytes"), "4000000\n");
        File.WriteAllText(Path.Combine(v1, "memory.usage_in_bytes"), "3000000\n");
        Assert.Equal(1_000_000L, ResourceGuard.CgroupAvailable("4:memory:/docker/abc\n0::/\n", dir.Path));
        File.WriteAllText(Path.Combine(v1, "memory.limit_in_bytes"), "9223372036854771712\n");
        Assert.Null(ResourceGuard.CgroupAvailable("4:memory:/docker/abc\n", dir.Path));

        Assert.Equal(6L << 30, ResourceGuard.ParseBytes("6G", "X"));
        Assert.Equal(512L << 20, ResourceGuard.ParseBytes(" 512m ", "X"));
        Assert.Equal(12345L, ResourceGuard.ParseBytes("12345", "X"));
        Assert.Null(ResourceGuard.ParseBytes("", "X"));
        foreach (string bad in new[] { "6x", "-1G", "0", "G", "1.5G", "99999999999G" })
            Assert.Contains("X must be a positive byte count",
                Assert.Throws<LeanNetsUsageException>(() => ResourceGuard.ParseBytes(bad, "X")).Message);
    }
}
