using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Training;
using static TorchSharp.torch;

namespace LeanNets.Tests.Interchange;

public class WeightFileTests
{
    private const string Model = "vgnetg_1_0mp_cifar";

    /// <summary>A model with every tensor (BN statistics and counters included) set from the seed, so two seeds
    /// differ everywhere.</summary>
    internal static Classifier Seeded(string name, long seed, int? classes = null, int? inChannels = null)
    {
        random.manual_seed(seed);
        var model = ModelRegistry.Create(name, classes, inChannels);
        using var _ = no_grad();
        var weights = model.state_dict();
        // Temporaries stay referenced in the scope (a finalizer freeing one inside copy_ crashed a CI run).
        using var scope = NewDisposeScope();
        foreach (var (_, t) in weights)
        {
            if (t.is_floating_point())
                t.copy_(rand_like(t) + 0.5);
            else
                t.fill_(seed);
        }
        return model;
    }

    internal static void AssertIdentical(nn.Module expected, nn.Module actual)
    {
        var b = actual.state_dict();
        foreach (var (name, t) in expected.state_dict())
            Assert.True(Same(t, b[name]), $"{name} differs");
    }

    internal static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    [Theory]
    [InlineData("weights.pth")]
    [InlineData("weights.safetensors")]
    public void RoundTripIsBitIdentical(string fileName)
    {
        using var dir = new TempFolder();
        using var source = Seeded(Model, 1);
        using var target = Seeded(Model, 2);
        string path = dir.File(fileName);
        using (var state = WeightLoader.Export(source, Model, WeightNaming.LeanNets))
            WeightFile.Write(path, state);
        using var file = WeightFile.Read(path);
        var report = WeightLoader.Load(target, Model, file, path);

        Assert.True(report.Complete, report.Describe());
        Assert.Equal(source.state_dict().Count, report.Loaded);
        AssertIdentical(source, target);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void StrictLoadNamesTheMisShapedTensorAndLeavesTheModelAlone()
    {
        using var dir = new TempFolder();
        using var tenClasses = Seeded(Model, 1, classes: 10);
        string path = dir.File("ten.safetensors");
        WeightFile.Write(path, StateDict.Of(tenClasses));
        using var target = Seeded(Model, 2);
        using var before = Seeded(Model, 2);
        using var file = WeightFile.Read(path);

        var e = Assert.Throws<LeanNetsException>(() => WeightLoader.Load(target, Model, file, path));
        Assert.Contains("head.fc.weight (model 100x368, file 10x368)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        AssertIdentical(before, target);

        var report = WeightLoader.Load(target, Model, file, path, strict: false);
        Assert.Equal(["head.fc.weight", "head.fc.bias"], report.Mismatched.Select(m => m.Name));
        Assert.Equal(tenClasses.state_dict().Count - 2, report.Loaded);
    }

    [Fact]
    public void ModelsAreSizedLikeTheirFile()
    {
        using var dir = new TempFolder();
        using var source = Seeded(Model, 1, classes: 7);
        string path = dir.File("seven.pth");
        WeightFile.Write(path, StateDict.Of(source));

        var (model, report) = WeightImport.CreateModel(path, Model);
        using var _ = model;
        Assert.Equal(7, model.NumClasses);
        Assert.True(report.Complete);
        AssertIdentical(source, model);
    }

    [Fact]
    public void FineTuningKeepsAFreshClassifierForAnotherClassCount()
    {
        using var dir = new TempFolder();
        using var source = Seeded(Model, 1, classes: 7);
        string path = dir.File("seven.safetensors");
        WeightFile.Write(path, StateDict.Of(source));
        using var model = Seeded(Model, 2, classes: 3);
        var head = model.state_dict()["head.fc.weight"].clone();

        var report = FineTuning.InitializeFrom(model, Model, path, Classifier.IsClassDependent);
        Assert.Equal(2, report.Mismatched.Count);
        Assert.True(Same(model.state_dict()["head.fc.weight"], head));
        Assert.True(Same(model.state_dict()["stem.conv.weight"], source.state_dict()["stem.conv.weight"]));

        using var other = Seeded("mobilenetv2_cifar", 3);
        var e = Assert.Throws<LeanNetsException>(() => FineTuning.InitializeFrom(other, "mobilenetv2_cifar", path,
            Classifier.IsClassDependent));
        Assert.Contains("beyond its class-dependent outputs", e.Message);
    }

    [Fact]
    public void OtherFloatTypesConvertAndIntegerWeightsAreRefused()
    {
        using var dir = new TempFolder();
        using var source = Seeded(Model, 1);
        var doubles = source.state_dict().ToDictionary(p => p.Key, p => p.Value.is_floating_point()
            ? p.Value.to(float64) : p.Value);
        string path = dir.File("double.pth");
        WeightFile.Write(path, new StateDict(doubles, ownsTensors: true));
        using var target = Seeded(Model, 2);
        using (var file = WeightFile.Read(path))
        {
            var report = WeightLoader.Load(target, Model, file, path);
            Assert.Equal(doubles.Values.Count(t => t.dtype == float64), report.Converted);
        }
        AssertIdentical(source, target);

        var integers = source.state_dict().ToDictionary(p => p.Key, p => p.Value);
        integers["stem.conv.weight"] = integers["stem.conv.weight"].to(int32);
        string bad = dir.File("int.safetensors");
        WeightFile.Write(bad, new StateDict(integers, ownsTensors: false));
        using var badFile = WeightFile.Read(bad);
        var e = Assert.Throws<LeanNetsException>(() => WeightLoader.Load(target, Model, badFile, bad));
        Assert.Contains("stem.conv.weight (model Float32, file Int32)", e.Message);
    }

    [Theory]
    [InlineData("weights.pth", "truncated or corrupt PyTorch file")]
    [InlineData("weights.safetensors", "truncated safetensors file")]
    public void TruncatedFilesAreNamedAsSuch(string fileName, string expected)
    {
        using var dir = new TempFolder();
        using var source = Seeded(Model, 1);
        string path = dir.File(fileName);
        WeightFile.Write(path, StateDict.Of(source));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<LeanNetsException>(() => WeightFile.Read(path));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("notes.pth", "hello", "not a PyTorch state dict")]
    [InlineData("notes.safetensors", "hello world, not tensors", "not a safetensors file")]
    [InlineData("notes.txt", "hello", "unknown weight file type")]
    public void ForeignFilesAreRefusedInOneLine(string fileName, string content, string expected)
    {
        using var dir = new TempFolder();
        string path = dir.File(fileName);
        File.WriteAllText(path, content);
        var e = Assert.ThrowsAny<LeanNetsException>(() => WeightFile.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>A pickled dict that holds no tensors (e.g. a config saved with torch.save) is not weights.</summary>
    [Fact]
    public void APickleWithoutTensorsIsNotAStateDict()
    {
        using var dir = new TempFolder();
        string path = dir.File("empty.pth");
        WeightFile.Write(path, new StateDict(new Dictionary<string, Tensor>(), ownsTensors: false));
        var e = Assert.Throws<LeanNetsException>(() => WeightFile.Read(path));
        Assert.Contains("not a state dict", e.Message);
    }
}
