using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Interchange;

/// <summary>
/// ImageNet weights offline: ML.NET's image featurizer (NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>,
/// MIT) ships an ImageNet-trained ResNet-18 exported by CNTK as ONNX, up to global average pooling. Its network is
/// the registry's <c>resnet18_mlnet</c>; this reads it from the NuGet package cache by graph structure
/// (<see cref="OnnxWeights"/>) and writes it with a card that says how to feed it.
/// </summary>
public static class MlNetResNet18
{
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18",
        Version = "0.23.1",
        ModelName = "resnet18_mlnet";

    /// <summary>The package's preprocessing (ResNetPreprocess.onnx): RGB in 0..255 re-ordered to BGR minus a
    /// per-pixel mean image. As a card it is the mean image's channel means (RGB, in 0..1; the image varies by
    /// about +-6 of 255 around them) and a scale of 255, with the stem's input channels re-ordered from BGR to RGB
    /// once at import.</summary>
    public static readonly float[] Mean = [123.15163f / 255, 115.902885f / 255, 103.06262f / 255],
        Std = [1 / 255f, 1 / 255f, 1 / 255f];

    /// <summary>ResNet18.onnx in the NuGet package cache (NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    public static string Locate()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, Package.ToLowerInvariant(), Version, "tools", "DnnImageModels",
            "ResNet18Onnx", "ResNet18.onnx");
        return File.Exists(path)
            ? path
            : throw new LeanNetsException(
                $"the NuGet package {Package} {Version} is not in the package cache ({root}): "
                    + "'dotnet restore tools/pretrained' downloads it");
    }

    /// <summary>The network with the package's weights (from <paramref name="onnx"/>, default the package's), its
    /// stem taking RGB, and its card; the classifier head is not in the package and keeps its initialisation.
    /// </summary>
    public static (Classifier Model, ModelCard Card, LoadReport Report) Load(string? onnx = null)
    {
        var (model, report) = WeightImport.CreateModel(onnx ?? Locate(), ModelName, strict: false);
        if (report.Mismatched.Count > 0 || report.Unexpected.Count > 0 || !report.Missing.All(Classifier.IsHead))
        {
            model.Dispose();
            throw new LeanNetsException($"{onnx ?? Package}: not ML.NET's ResNet-18: {report.Describe()}");
        }
        using (no_grad())
        {
            var stem = model.Stem.parameters().First(p => p.dim() == 4);
            using var rgb = stem.flip(1);
            stem.copy_(rgb);
        }
        var card = new ModelCard(ModelName, ModelCard.Classify, new InputShape(3, 224, 224), Mean, Std,
            ImageNetClasses.Names)
        {
            Backbone = true,
            Origin = $"NuGet {Package} {Version} (ImageNet, CNTK export): features only, head untrained",
        };
        return (model, card, report);
    }

    /// <summary>Writes the weights and card to a .safetensors or .pth file.</summary>
    public static LoadReport Import(string output, string? onnx = null)
    {
        WeightFile.RequireWritable(output);
        var (model, card, report) = Load(onnx);
        using var _ = model;
        using var state = WeightLoader.Export(model, ModelName, WeightNaming.LeanNets);
        WeightFile.Write(output, state, card);
        return report;
    }
}
