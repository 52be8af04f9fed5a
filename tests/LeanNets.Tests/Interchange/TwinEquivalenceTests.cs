using System.Globalization;
using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Tests.Export;
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
