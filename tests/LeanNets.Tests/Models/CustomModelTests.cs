using LeanNets.Models;
using LeanNets.Models.VGNetPaper;
using LeanNets.Tests.Cli;
using LeanNets.Tests.Data;
using LeanNets.Training;

namespace LeanNets.Tests.Models;

/// <summary>An architecture of the user's (here a VGNet with its own widths) registered by name trains, exports
/// and is looked inside like a registry model, with the registry's weight initialisation; a name that is taken
/// is refused.</summary>
public class CustomModelTests
{
    private static readonly VGNet.Config Mine = new()
    {
        Name = "my_vgnet",
        Size = new VGNet.Size("mine", [16, 32, 64, 96, 128], [1, 2, 2, 1]),
        Variant = VGNet.G,
        Thumbnail = true,
    };

    [Fact]
    public void ARegisteredArchitectureTrainsExportsAndIsInspected()
    {
        using var dir = new TempFolder();
        string data = dir.File("data"), run = dir.File("run");
        SyntheticData.WriteToyIdx(data, train: 32, test: 16);
        using (ModelRegistry.Register("my_vgnet", o => VGNet.Build(Mine, o), new InputShape(1, 12, 12), 4))
        {
            using (var built = ModelRegistry.Create("my_vgnet"))
            using (var direct = VGNet.Build(Mine, new ModelOptions(4, 1)))
            {
                Assert.Equal(4, built.NumClasses);
                // The registry's initialisation ran (zero linear biases, N(0, 0.01) weights); the builder alone
                // leaves TorchSharp's uniform defaults.
                Assert.Equal(0, built.Head.Fc.bias!.abs().max().item<float>());
                Assert.InRange(built.Head.Fc.weight!.std().item<float>(), 0.005f, 0.015f);
                Assert.NotEqual(0, direct.Head.Fc.bias!.abs().max().item<float>());
            }
            var clash = Assert.Throws<LeanNetsUsageException>(() =>
                ModelRegistry.Register("vgnetg_1_0mp", o => VGNet.Build(Mine, o), new InputShape(3, 32, 32), 10));
            Assert.Contains("'vgnetg_1_0mp' is taken: a registry vgnet model", clash.Message);
            Assert.Throws<LeanNetsUsageException>(() =>
                ModelRegistry.Register("yolov3", o => VGNet.Build(Mine, o), new InputShape(3, 32, 32), 10));

            var result = Trainer.Run(
                new TrainOptions { Model = "my_vgnet", Data = data, Epochs = 1, BatchSize = 16 }, run);
            Assert.Equal(1, result.State.CompletedEpochs);
            string checkpoint = Path.Combine(run, Trainer.LastCheckpoint);
            var export = CliTests.Run("export", "my_vgnet", "--checkpoint", checkpoint, "--onnx", dir.File("m.onnx"));
            Assert.True(export.Code == 0, export.Err);
            Assert.Contains("input 1x12x12", export.Out);
            string picture = LeanNets.Tests.Reports.VizReportTests.Picture(dir);
            var viz = CliTests.Run(
                "viz", "report", "my_vgnet", "--checkpoint", checkpoint, "--image", picture, "--out", dir.File("viz"));
            Assert.True(viz.Code == 0, viz.Err);
            Assert.True(File.Exists(Path.Combine(dir.File("viz"), "index.html")));
            var listed = CliTests.Run("models", "--paper", "user", "--names");
            Assert.Equal("my_vgnet", listed.Out.Trim());
        }
        Assert.False(ModelRegistry.Contains("my_vgnet"));
    }
}
