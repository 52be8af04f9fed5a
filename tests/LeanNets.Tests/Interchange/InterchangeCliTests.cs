using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeanNets.Data.Detection;
using LeanNets.Interchange;
using LeanNets.Tests.Cli;
using LeanNets.Tests.Data;

namespace LeanNets.Tests.Interchange;

public partial class InterchangeCliTests
{
    private const string Model = "vgnetg_1_0mp_cifar";

    [Fact]
    public void ConvertMovesWeightsBetweenFormatsAndNames()
    {
        using var dir = new TempFolder();
        using var source = WeightFileTests.Seeded("mobilenetv2_100", 3);
        string tv = dir.File("tv.pth"), st = dir.File("lean.safetensors"), back = dir.File("back.pth");
        WeightFile.Write(tv, WeightLoader.Export(source, "mobilenetv2_100", WeightNaming.Torchvision));

        var (code, output, error) = CliTests.Run("convert", "mobilenetv2_100", "--weights", tv, "--output", st);
        Assert.True(code == 0, error);
        Assert.Contains("loaded 314 tensors (torchvision names)", output);
        (code, _, error) = CliTests.Run(
            "convert", "mobilenetv2_100", "--weights", st, "--output", back, "--to-names", "torchvision"
        );
        Assert.True(code == 0, error);
        using var original = WeightFile.Read(tv);
        using var roundTrip = WeightFile.Read(back);
        Assert.Equal(original.Tensors.Keys.Order(), roundTrip.Tensors.Keys.Order());
        foreach (var (name, t) in original.Tensors)
            Assert.True(WeightFileTests.Same(t, roundTrip.Tensors[name]), name);
    }

    [Fact]
    public void ConvertRefusesWhatDoesNotFitInOneLine()
    {
        using var dir = new TempFolder();
        using var tenClasses = WeightFileTests.Seeded(Model, 1, classes: 10);
        string weights = dir.File("ten.safetensors");
        WeightFile.Write(weights, StateDict.Of(tenClasses));
        string output = dir.File("out.pth");

        var (code, _, error) = CliTests.Run(
            "convert", "mobilenetv2_cifar", "--weights", weights, "--output", output
        );
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("does not fit 'mobilenetv2_cifar'", error);
        Assert.False(File.Exists(output));

        (code, _, error) = CliTests.Run("convert", Model, "--weights", weights, "--output", output, "--classes", "3");
        Assert.Equal(1, code);
        Assert.Contains("head.fc.weight (model 3x368, file 10x368)", error);
        (code, _, _) = CliTests.Run(
            "convert", Model, "--weights", weights, "--output", output, "--classes", "3", "--non-strict"
        );
        Assert.Equal(0, code);

        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..1000]);
        (code, _, error) = CliTests.Run("convert", Model, "--weights", weights, "--output", dir.File("x.pth"));
        Assert.Equal(1, code);
        Assert.Contains("truncated safetensors file", error);
        (code, _, error) = CliTests.Run("convert", Model, "--weights", output, "--output", dir.File("x.ckpt"));
        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void TrainingStartsFromWeightsOfAnotherClassCount()
    {
        using var dir = new TempFolder();
        string data = dir.File("data");
        SyntheticData.WriteToyIdx(data, 32, 16);
        using var source = WeightFileTests.Seeded(Model, 1, classes: 7, inChannels: 1);
        string weights = dir.File("init.safetensors");
        WeightFile.Write(weights, StateDict.Of(source));

        var (code, output, error) = CliTests.Run(
            "train", Model, "--data", data, "--epochs", "1", "--batch-size", "16", "--output", dir.File("run"),
            "--init-from", weights
        );
        Assert.True(code == 0, error);
        Assert.Contains("initialised from", output);
        Assert.Contains("2 mis-shaped: head.fc.weight", output);

        (code, _, error) = CliTests.Run(
            "train", Model, "--data", data, "--init-from", dir.File("missing.pth"), "--output", dir.File("run2")
        );
        Assert.Equal(2, code);
        Assert.Contains("--init-from", error);
        Assert.False(Directory.Exists(dir.File("run2")));
    }

    /// <summary>Two processes under torchrun (gloo) train the PyTorch twin; LeanNets evaluates the saved
    /// safetensors on the same data with the same accuracy.</summary>
    [SkippableFact]
    public void TorchrunTrainingEvaluatesTheSameInLeanNets()
    {
        PythonReference.Require("torch");
        using var dir = new TempFolder();
        string data = dir.File("data"), weights = dir.File("ddp.safetensors");
        SyntheticData.WriteToyIdx(data, 128, 48);
        // The rendezvous listens on a port free now instead of --standalone's fixed 29400, which another run on
        // the machine may hold.
        string[] launch =
        [
            "--nnodes", "1", "--nproc_per_node", "2", "--rdzv_backend", "c10d",
            "--rdzv_endpoint", $"127.0.0.1:{FreePort()}", "--rdzv_id", Guid.NewGuid().ToString("N"),
            .. TorchrunCompatibility,
        ];
        string[] script =
        [
            RepositoryRoot.File("python", "train_ddp.py"), Model, "--data", data, "--output", weights,
            "--epochs", "3", "--batch-size", "16", "--lr", "0.05",
        ];
        var (status, stdout, stderr) = ChildProcess.Run(
            ChildProcess.Start("/usr/bin/torchrun", [.. launch, .. script]),
            TimeSpan.FromMinutes(4)
        );
        Assert.True(status == 0, stdout + stderr);
        double pytorch = Top1(PyTorchTop1(), stdout);

        var (code, output, error) = CliTests.Run(
            "eval", Model, "--weights", weights, "--data", data, "--output", dir.File("eval")
        );
        Assert.True(code == 0, error);
        double leannets = Top1(LeanNetsTop1(), output);
        Assert.True(Math.Abs(pytorch - leannets) <= 0.1, $"PyTorch {pytorch}% vs LeanNets {leannets}%");
    }

    /// <summary>The same path for a detector: two processes train the twin's `yolov3_w25` on a synthetic VOC set
    /// (LeanNets' letterbox, augmentation, loss and metric in the twin); LeanNets reads the card the twin wrote
    /// (size, classes, anchors) and scores the weights within one mAP point of the twin's own figure.</summary>
    [SkippableFact]
    public void TorchrunDetectorTrainingEvaluatesTheSameInLeanNets()
    {
        PythonReference.Require("torch", "torchvision");
        using var dir = new TempFolder();
        string data = dir.File("voc"), weights = dir.File("ddp.safetensors");
        SyntheticShapes.Write(data, 16, "train", 64, seed: 1);
        SyntheticShapes.Write(data, 8, "val", 64, seed: 2);
        string[] launch =
        [
            "--nnodes", "1", "--nproc_per_node", "2", "--rdzv_backend", "c10d",
            "--rdzv_endpoint", $"127.0.0.1:{FreePort()}", "--rdzv_id", Guid.NewGuid().ToString("N"),
            .. TorchrunCompatibility,
        ];
        string[] script =
        [
            RepositoryRoot.File("python", "train_ddp.py"), "yolov3_w25", "--task", "detect", "--data", data,
            "--output", weights, "--input-size", "64", "--epochs", "20", "--batch-size", "4", "--lr", "0.01",
            "--clip-grad", "10",
        ];
        var (status, stdout, stderr) = ChildProcess.Run(
            ChildProcess.Start("/usr/bin/torchrun", [.. launch, .. script]),
            TimeSpan.FromMinutes(4)
        );
        Assert.True(status == 0, stdout + stderr);
        // torchrun prefixes each line with its process ("[default0]:").
        string line = stdout.Split('\n').Last(l => l.Contains("\"map07\"", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(line[line.IndexOf('{', StringComparison.Ordinal)..]);
        double pytorch = summary.RootElement.GetProperty("map07").GetDouble();

        var (code, _, error) = CliTests.Run("eval", "yolov3_w25", "--weights", weights, "--data", data, "--output",
            dir.File("eval"));
        Assert.True(code == 0, error);
        using var eval = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("eval"), "eval.json")));
        Assert.Equal(64, eval.RootElement.GetProperty("input_size").GetInt32());
        double leannets = 100 * eval.RootElement.GetProperty("map_voc07").GetDouble();
        // Twenty epochs learn the shapes well past chance, so the comparison is between two real scores.
        Assert.True(pytorch > 10, $"the twin scored {pytorch}%: training did not learn");
        Assert.True(Math.Abs(pytorch - leannets) <= 1, $"PyTorch {pytorch}% vs LeanNets {leannets}%");
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Debian 12's torchrun (PyTorch 1.13 on Python 3.11) cannot parse its own default "0" for these two
    /// options (an IntFlag change in 3.11); giving them explicitly works everywhere.</summary>
    internal static readonly string[] TorchrunCompatibility = ["--redirects", "1", "--tee", "1"];

    private static double Top1(Regex pattern, string text)
    {
        var m = pattern.Match(text);
        Assert.True(m.Success, text);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"test top-1 ([\d.]+)%")]
    private static partial Regex PyTorchTop1();

    [GeneratedRegex(@"images: top-1 ([\d.]+)%")]
    private static partial Regex LeanNetsTop1();
}
