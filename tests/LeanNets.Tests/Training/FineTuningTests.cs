using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Tests.Cli;
using LeanNets.Tests.Data;
using LeanNets.Tests.Interchange;
using LeanNets.Training;
using static TorchSharp.torch;

namespace LeanNets.Tests.Training;

/// <summary>Fine-tuning's controls: frozen parts (weights and norm statistics unchanged by training), the
/// backbone's learning-rate scale, and the starting file's normalisation.</summary>
public class FineTuningTests
{
    private const string Model = "vgnetg_1_0mp_cifar";

    /// <summary>A linear probe from a weight file: after an epoch the stem and every stage equal the file exactly
    /// (norm statistics too, their norms kept in evaluation mode), and the start line says what trained and whose
    /// normalisation the data got.</summary>
    [Fact]
    public void FrozenPartsStayAsTheFileHadThem()
    {
        using var dir = new TempFolder();
        string data = dir.File("data");
        SyntheticData.WriteToyIdx(data, 32, 16);
        random.manual_seed(2);
        using var source = ModelRegistry.Create(Model, 10, 1);
        string weights = dir.File("init.safetensors");
        var card = new ModelCard(Model, ModelCard.Classify, new InputShape(1, 32, 32), [0.25f], [0.5f],
            ModelCard.Numbered(10));
        WeightFile.Write(weights, StateDict.Of(source), card);

        var (code, output, error) = CliTests.Run(
            "train", Model, "--data", data, "--epochs", "1", "--batch-size", "16", "--output", dir.File("run"),
            "--init-from", weights, "--freeze", "backbone", "--lr", "0.2"
        );
        Assert.True(code == 0, error);
        Assert.Contains("frozen: stem, stages.0, stages.1", output);
        Assert.Contains("parameters train", output);
        Assert.Contains("normalisation from init.safetensors's card", output);

        var (trained, _) = WeightImport.CreateModel(Path.Combine(dir.File("run"), "best.safetensors"), Model);
        using var _ = trained;
        var before = source.state_dict();
        int same = 0;
        // The head (4 classes here, 10 in the file) starts afresh and trains; everything else is the file's.
        foreach (var (name, t) in trained.state_dict().Where(p => !Classifier.IsHead(p.Key)))
        {
            Assert.True(t.dtype == before[name].dtype && t.eq(before[name]).all().item<bool>(),
                $"{name} changed although frozen");
            same++;
        }
        Assert.True(same > 10);
        var run = Checkpoint.ReadState(Path.Combine(dir.File("run"), "last.ckpt"));
        Assert.Equal([0.25f], run.Data!.Mean);

        // The run recorded the card's normalisation: it resumes the same without the file it started from.
        File.Delete(weights);
        (code, output, error) = CliTests.Run("train", "--resume", dir.File("run"), "--epochs", "2");
        Assert.True(code == 0, error);
        var resumed = Checkpoint.ReadState(Path.Combine(dir.File("run"), "last.ckpt"));
        Assert.Equal(2, resumed.CompletedEpochs);
        Assert.Equal([0.25f], resumed.Data!.Mean);
        Assert.Equal([0.5f], resumed.Data!.Std);
    }

    /// <summary>With plain SGD, a backbone at scale 0.1 moves exactly a tenth as far as at scale 1 from the same
    /// gradient, and the head moves alike in both.</summary>
    [Fact]
    public void BackboneLearningRateScaleSlowsOnlyTheBackbone()
    {
        var moves = new[] { 1.0, 0.1 }.Select(scale =>
        {
            random.manual_seed(3);
            using var model = ModelRegistry.Create(Model, 4, 1);
            var options = new TrainOptions
            {
                Model = Model,
                Data = "unused",
                Momentum = 0,
                WeightDecay = 0,
                BackboneLrScale = scale,
            };
            using var optimizer = new Optimizer(model, options);
            var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
            random.manual_seed(4);
            using (var scope = NewDisposeScope())
            {
                var loss = model.call(randn(2, 1, 32, 32)).square().sum();
                loss.backward();
            }
            optimizer.Step(0.01);
            return model.named_parameters().ToDictionary(
                p => p.name, p => (p.parameter.detach() - before[p.name]).abs().sum().item<float>());
        }).ToList();
        string stem = moves[0].Keys.First(n => n.StartsWith("stem.", StringComparison.Ordinal)),
            head = moves[0].Keys.First(Classifier.IsHead);
        Assert.True(moves[0][stem] > 0);
        Near.Equal(moves[0][stem] * 0.1, moves[1][stem], 0, 1e-4, "stem");
        Near.Equal(moves[0][head], moves[1][head], 0, 1e-6, "head");
    }

    [Fact]
    public void PartsTheModelDoesNotHaveAreRefused()
    {
        using var dir = new TempFolder();
        string data = dir.File("data");
        SyntheticData.WriteToyIdx(data, 16, 8);
        foreach (var (args, message) in new (string[], string)[]
        {
            (["--freeze", "stages.0..9"], "--freeze stages.0..9: the model has stages 0.."),
            (["--freeze", "neck"], "--freeze neck: no such part of the model"),
            (["--backbone-lr-scale", "0"], "backbone learning-rate scale must be in (0, 10], got 0"),
        })
        {
            var run = CliTests.Run(["train", Model, "--data", data, "--epochs", "1", "--output", dir.File("r"),
                .. args]);
            Assert.True(run.Code == 2, $"{string.Join(' ', args)}: exit {run.Code}: {run.Err}");
            Assert.Contains(message, run.Err);
            Assert.Single(run.Err.Trim().Split('\n'));
            Assert.False(Directory.Exists(dir.File("r")));
        }
    }
}
