using LeanNets.Interchange;
using static TorchSharp.torch;

namespace LeanNets.Tests.Interchange;

/// <summary>torchvision's own state dicts and outputs, written once by Debian's PyTorch for the whole class.</summary>
public sealed class TorchvisionReferences : IDisposable
{
    /// <summary>Small inputs keep the run short; every model here accepts 64x64.</summary>
    public const int Side = 64;

    private readonly TempFolder dir = new();
    private readonly Lazy<string> written;

    public TorchvisionReferences() =>
        written = new Lazy<string>(() =>
        {
            string script = RepositoryRoot.File("tests", "LeanNets.Tests", "Interchange", "torchvision_reference.py");
            var (code, _, error) = PythonReference.Run(
                [script, dir.Path, Side.ToString(), .. TorchvisionNames.Builders.Values.Distinct()]
            );
            Assert.True(code == 0, error);
            return dir.Path;
        });

    /// <summary>The folder holding BUILDER.pth and BUILDER.io.pth for every torchvision counterpart.</summary>
    public string Folder => written.Value;

    public void Dispose() => dir.Dispose();
}

public class TorchvisionCompatibilityTests(TorchvisionReferences references) : IClassFixture<TorchvisionReferences>
{
    public static TheoryData<string> Models() => [.. TorchvisionNames.Builders.Keys];

    /// <summary>torchvision's state dict loads strictly as it is, and the outputs equal torchvision's within 1e-5
    /// of the largest logit.</summary>
    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void TorchvisionWeightsGiveTorchvisionOutputs(string model)
    {
        PythonReference.Require("torch", "torchvision");
        string builder = TorchvisionNames.Builders[model];
        string weights = Path.Combine(references.Folder, builder + ".pth");

        var (net, report) = WeightImport.CreateModel(weights, model);
        using var _ = net;
        Assert.True(report.Complete, report.Describe());
        Assert.Equal("torchvision", report.Naming);
        using var io = WeightFile.Read(Path.Combine(references.Folder, builder + ".io.pth"));
        net.eval();
        using var grad = no_grad();
        using var output = net.forward(io.Tensors["input"]);
        var expected = io.Tensors["output"];
        double error = (output - expected).abs().max().item<float>();
        double scale = Math.Max(1, expected.abs().max().item<float>());
        Assert.True(error <= 1e-5 * scale, $"{model}: max difference {error:E2} (largest logit {scale:F3})");
    }

    /// <summary>LeanNets writes torchvision's names (.pth) that torchvision's own model loads strictly, and reads
    /// back what PyTorch saves again, bit for bit.</summary>
    [SkippableFact]
    public void TorchvisionNamesRoundTripThroughPyTorch()
    {
        PythonReference.Require("torch", "torchvision");
        using var dir = new TempFolder();
        using var model = WeightFileTests.Seeded("mobilenetv3_small_100", 5);
        string written = dir.File("out.pth"), back = dir.File("back.pth");
        WeightFile.Write(written, WeightLoader.Export(model, "mobilenetv3_small_100", WeightNaming.Torchvision));
        var (code, _, error) = PythonReference.Run(
            "-c",
            "import sys, torch, torchvision\n"
                + "m = torchvision.models.mobilenet_v3_small()\n"
                + "m.load_state_dict(torch.load(sys.argv[1]), strict=True)\n"
                + "torch.save(m.state_dict(), sys.argv[2])\n",
            written,
            back
        );
        Assert.True(code == 0, error);
        var (loaded, report) = WeightImport.CreateModel(back, "mobilenetv3_small_100");
        using var _ = loaded;
        Assert.True(report.Complete, report.Describe());
        WeightFileTests.AssertIdentical(model, loaded);
    }
}
