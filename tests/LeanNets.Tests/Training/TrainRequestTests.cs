using LeanNets.Data;
using LeanNets.Models;
using LeanNets.Training;

namespace LeanNets.Tests.Training;

/// <summary>What `train` asks for becomes the run's options: the task's defaults, a classifier's recipe, then
/// each setting given; settings that do not belong are refused in one line naming them.</summary>
public class TrainRequestTests
{
    [Fact]
    public void ARecipeSetsWhatItNamesOverTheBareDefaults()
    {
        var cifar = new TrainRequest { Model = "resnet50", Data = "DATA", Recipe = "dualconv-cifar" }.Resolve();
        // The paper's step schedule has no warmup (the default recipe's one epoch must not leak into it).
        Assert.Equal((ScheduleKind.Step, 0.0, 150, 50, Augmentation.Cifar, 4, true),
            (cifar.Schedule, cifar.WarmupEpochs, cifar.Epochs, cifar.StepEvery, cifar.Augment, cifar.Pad, cifar.Flip));
        var plain = new TrainRequest { Model = "resnet50", Data = "DATA" }.Resolve();
        Assert.Equal(("default", 1.0, 128, ModelCard.Classify), (plain.Recipe, plain.WarmupEpochs, plain.BatchSize,
            plain.Task));
        // The VGNet recipe scales its learning rate (0.2 at batch 512) with the batch size asked for.
        var vgnet = new TrainRequest { Model = "resnet50", Data = "DATA", Recipe = "vgnet-imagenet", BatchSize = 256 };
        Near.Equal(0.1, vgnet.Resolve().LearningRate, 1e-15);
        var mine = new TrainRequest { Model = "resnet50", Data = "DATA", Recipe = "dualconv-cifar", Epochs = 3 };
        Assert.Equal(3, mine.Resolve().Epochs);
    }

    [Fact]
    public void ADetectorGetsItsTasksDefaultsAndTheEnginesOptions()
    {
        var request = new TrainRequest
        {
            Model = "yolov3_w25",
            Data = "VOC",
            Optimizer = OptimizerKind.AdamW,
            EmaDecay = 0.99,
            Flip = false,
        };
        var o = request.Resolve();
        Assert.Equal((ModelCard.Detect, 30, 8, 416, 10.0, 1.0), (o.Task, o.Epochs, o.BatchSize, o.InputSize,
            o.ClipGradNorm, o.WarmupEpochs));
        Assert.Equal((OptimizerKind.AdamW, 0.99, false), (o.Optimizer, o.EmaDecay, o.DetectionAugment!.Flip));
    }

    [Theory]
    [InlineData("--recipe is not used when training a detector")]
    [InlineData("--label-smoothing is not used when training a detector")]
    [InlineData("--pad is not used when training a detector")]
    [InlineData("--lr cannot be changed when resuming")]
    [InlineData("yolov3_w25 is a detector: use --task detect")]
    [InlineData("resnet50 is not a detector")]
    public void SettingsThatDoNotBelongAreRefused(string expected)
    {
        TrainRequest request = expected switch
        {
            _ when expected.StartsWith("--recipe") => new() { Model = "yolov3_w25", Data = "VOC", Recipe = "default" },
            _ when expected.StartsWith("--label") => new() { Model = "yolov3_w25", Data = "VOC", LabelSmoothing = 0.1 },
            _ when expected.StartsWith("--pad") => new() { Model = "yolov3_w25", Data = "VOC", Pad = 4 },
            _ when expected.StartsWith("--lr") => new() { Resume = "no-such-run", LearningRate = 0.5 },
            _ when expected.StartsWith("yolo") =>
                new() { Model = "yolov3_w25", Data = "VOC", Task = ModelCard.Classify },
            _ => new() { Model = "resnet50", Data = "DATA", Task = ModelCard.Detect },
        };
        var e = Assert.Throws<LeanNetsUsageException>(() => request.Run([]));
        Assert.Contains(expected, e.Message);
    }

    /// <summary>Options built in code go through the same check as a command line's (one list, on the options).
    /// </summary>
    [Fact]
    public void DetectorOptionsBuiltInCodeRefuseClassifierSettings()
    {
        var detector = TrainingTasks.Defaults("yolov3_w25", "VOC");
        detector.Validate();
        var e = Assert.Throws<LeanNetsUsageException>(() => (detector with { LimitTrain = 10 }).Validate());
        Assert.Equal("--limit-train is not used when training a detector", e.Message);
    }
}
