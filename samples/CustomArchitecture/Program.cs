// Registers an architecture of one's own under a name, so that everything taking a registry name takes it
// (Trainer, ModelExport, LoadedModel, the CLI's commands run in this process), then creates and counts it by name.
// Usage: CustomArchitecture
using System.Globalization;
using LeanNets.Layers;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Runtime;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

// The entry lasts until disposed; the factory gets the classes and input channels each caller asks for.
using var registration = ModelRegistry.Register("tiny_net", TinyNet.Build, new InputShape(3, 32, 32), 10);

using var model = ModelRegistry.Create("tiny_net");
var profile = ModelProfiler.Profile(model, [1, 3, 32, 32], "tiny_net");
Console.WriteLine($"tiny_net: params {profile.Params:N0}, MACs {profile.Macs / 1e6:F2}M at 3x32x32");
foreach (var stage in model.FeatureInfo)
    Console.WriteLine($"{stage.Module}: {stage.Channels} channels, 1/{stage.Reduction} of the input");
model.eval();
using (no_grad())
using (var x = randn(1, 3, 32, 32))
using (var logits = model.call(x))
    Console.WriteLine($"logits {string.Join("x", logits.shape)}");
using (var fourClasses = ModelRegistry.Create("tiny_net", numClasses: 4))
    Console.WriteLine($"with 4 classes: params {ModelProfiler.CountParams(fourClasses):N0}");
var mine = ModelRegistry.List(ModelFamily.Custom, paper: null).Select(s => s.Name);
Console.WriteLine($"user models: {string.Join(", ", mine)}");

/// <summary>A stem and two stages of conv-BN-ReLU blocks, each halving the resolution, and the usual head.</summary>
internal static class TinyNet
{
    public static Classifier Build(ModelOptions options) =>
        new(
            "tiny_net",
            new StagePart(new ConvNormAct(options.InChannels, 16, stride: 2), Channels: 16, Stride: 2),
            [Stage(16, 32), Stage(32, 64)],
            new ClassifierHead(64, options.NumClasses)
        );

    private static StagePart Stage(long inChannels, long outChannels) =>
        new(
            nn.Sequential(
                new ConvNormAct(inChannels, outChannels, stride: 2),
                new ConvNormAct(outChannels, outChannels)
            ),
            outChannels,
            Stride: 2
        );
}
