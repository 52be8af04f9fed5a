using System.Globalization;
using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Models.Detection;
using LeanNets.Tests.Export;
using LeanNets.Training.Tasks;
using static TorchSharp.torch;

namespace LeanNets.Tests.Interchange;

/// <summary>
/// python/leannets_torch is a second, independent implementation of every VGNet and DualConv-paper model in
/// PyTorch. The same weights must give the same outputs in both (within 1e-5 of the largest logit), and the
/// twin's own fixed kernels and HetConv orders must equal LeanNets'.
/// </summary>
public class TwinEquivalenceTests
{
    private static readonly ModelFamily[] TwinFamilies =
    [
        ModelFamily.VGNet,
        ModelFamily.ResNet,
        ModelFamily.Vgg,
        ModelFamily.MobileNetV1,
        ModelFamily.MobileNetV2,
        ModelFamily.Darknet,
    ];

    public static TheoryData<ModelFamily> Families() => [.. TwinFamilies];

    [SkippableFact]
    public void TheTwinBuildsExactlyTheseFamilies()
    {
        PythonReference.Require("torch");
        var (code, output, error) = PythonReference.Run(
            "-c",
            "import leannets_torch as L; print('\\n'.join(L.list_models()))"
        );
        Assert.True(code == 0, error);
        var expected = ModelRegistry.List().Where(s => TwinFamilies.Contains(s.Family)).Select(s => s.Name);
        Assert.Equal(expected.Order(StringComparer.Ordinal), output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [SkippableTheory]
    [MemberData(nameof(Families))]
    public void SameWeightsGiveTheSameOutputs(ModelFamily family)
    {
        PythonReference.Require("torch");
        using var dir = new TempFolder();
        var specs = ModelRegistry.List(family, null).Where(Checked).ToList();
        foreach (var spec in specs)
            WriteCase(dir, spec);
        var (code, output, error) = PythonReference.Run("-m", "leannets_torch.check", dir.Path);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var failures = lines.Where(l => !l.StartsWith("ok ", StringComparison.Ordinal));
        Assert.True(code == 0, string.Join('\n', failures) + error);
        Assert.Equal(specs.Count, lines.Length);
    }

    [SkippableFact]
    public void TheTwinBuildsEveryDetector()
    {
        PythonReference.Require("torch");
        var (code, output, error) = PythonReference.Run(
            "-c",
            "import leannets_torch as L; print('\\n'.join(L.list_detectors()))"
        );
        Assert.True(code == 0, error);
        var expected = DetectorRegistry.List().Select(s => s.Name).Order(StringComparer.Ordinal);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The narrow detectors (standard and DualConv heads and backbone; the full-width rows differ only in
    /// widths and conv groups, each checked in the classifiers) give the same raw predictions from the same weights,
    /// and the twin's YOLO loss on them and a few objects equals LeanNets' term by term (the same objective for
    /// scale-out training).</summary>
    [SkippableFact]
    public void SameDetectorWeightsGiveTheSameOutputsAndLoss()
    {
        PythonReference.Require("torch", "torchvision");
        using var dir = new TempFolder();
        string[] names = ["yolov3_w25", "yolov3_w25_dualconv_g4", "yolov3_w50"];
        foreach (string name in names)
            WriteDetectorCase(dir, name);
        var (code, output, error) = PythonReference.Run("-m", "leannets_torch.check", dir.Path);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == 0, output + error);
        Assert.Equal(names.Length, lines.Length);
        Assert.All(lines, l => Assert.Contains("loss terms", l, StringComparison.Ordinal));
    }

    /// <summary>A 3-class detector at 96x96 (three scales of 3x3, 6x6 and 12x12 cells): its weights, an input, its
    /// eval output, and LeanNets' loss on that output for objects of every scale (small to large, one at the
    /// picture's edge).</summary>
    private static void WriteDetectorCase(TempFolder dir, string name)
    {
        const int side = 96;
        using var model = DetectorRegistry.Get(name).Create(3);
        OnnxExportTests.Randomise(model);
        model.eval();
        manual_seed(5);
        using var input = randn(2, 3, side, side);
        using var noGrad = no_grad();
        using var output = model.forward(input);
        IReadOnlyList<TargetBox>[] targets =
        [
            [new(0, new(10, 12, 22, 30)), new(2, new(30, 20, 90, 80))],
            [new(1, new(0, 50, 40, 96)), new(0, new(60.5f, 5.25f, 70, 17))],
        ];
        var terms = YoloLoss.For(model).Compute(output, targets, side);
        using var total = terms.Total;
        using var loss = tensor(new[] { total.item<float>(), (float)terms.Box, (float)terms.Objectness,
            (float)terms.Class });
        using var rows = tensor(targets.SelectMany((image, n) => image.SelectMany(t => new[]
            { n, t.Class, t.Box.X1, t.Box.Y1, t.Box.X2, t.Box.Y2 })).ToArray()).view(-1, 6);
        using (var weights = WeightLoader.Export(model, name, WeightNaming.LeanNets))
            WeightFile.Write(dir.File(name + ".safetensors"), weights);
        var io = new Dictionary<string, Tensor>
        {
            ["input"] = input,
            ["output"] = output,
            ["targets"] = rows,
            ["loss"] = loss,
        };
        WeightFile.Write(dir.File(name + ".io.safetensors"), new StateDict(io, ownsTensors: false));
    }

    /// <summary>Every row but five of the seven 1000-class VGG-16s: each is 125-138M parameters (half a gigabyte
    /// to write and read, 50 s of the suite), and their convolution blocks are those of the CIFAR rows, all checked;
    /// the plain one and the DualConv G32 keep the 1000-class head and stem checked.</summary>
    private static bool Checked(ModelSpec spec) =>
        spec.Family != ModelFamily.Vgg
        || spec.DefaultInput.Height < 224
        || spec.Name is "vgg16" or "vgg16_dualconv_g32";

    /// <summary>LeanNets -> safetensors -> PyTorch (the twin loads them strictly and saves its state dict again)
    /// -> LeanNets is bit-identical.</summary>
    [SkippableFact]
    public void SafetensorsRoundTripThroughPyTorchIsBitIdentical()
    {
        PythonReference.Require("torch");
        using var dir = new TempFolder();
        const string name = "vgnetf2_1_5mp_cifar";
        using var model = WeightFileTests.Seeded(name, 4);
        string written = dir.File("out.safetensors"),
            back = dir.File("back.safetensors");
        WeightFile.Write(written, WeightLoader.Export(model, name, WeightNaming.LeanNets));
        var (code, _, error) = PythonReference.Run(
            "-c",
            "import sys, leannets_torch as L\n"
                + "m = L.create_model(sys.argv[1])\n"
                + "m.load_state_dict(L.load_file(sys.argv[2]), strict=True)\n"
                + "L.save_file(m.state_dict(), sys.argv[3])\n",
            name,
            written,
            back
        );
        Assert.True(code == 0, error);
        var (loaded, report) = WeightImport.CreateModel(back, name);
        using var _ = loaded;
        Assert.True(report.Complete, report.Describe());
        WeightFileTests.AssertIdentical(model, loaded);
    }

    /// <summary>NAME.safetensors (weights with BN statistics randomised so they matter) and NAME.io.safetensors
    /// (a batch of two inputs and LeanNets' eval outputs). ImageNet models run at 64x64 to keep the test
    /// short.</summary>
    private static void WriteCase(TempFolder dir, ModelSpec spec)
    {
        using var model = spec.Create();
        OnnxExportTests.Randomise(model);
        model.eval();
        int side = Math.Min(64, spec.DefaultInput.Height);
        manual_seed(11);
        using var input = randn(2, spec.DefaultInput.Channels, side, side);
        using var noGrad = no_grad();
        using var output = model.forward(input);
        using (var weights = WeightLoader.Export(model, spec.Name, WeightNaming.LeanNets))
            WeightFile.Write(dir.File(spec.Name + ".safetensors"), weights);
        var io = new Dictionary<string, Tensor> { ["input"] = input, ["output"] = output };
        WeightFile.Write(
            dir.File(spec.Name + ".io.safetensors"),
            new StateDict(io, ownsTensors: false)
        );
    }
}
