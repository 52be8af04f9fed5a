using LeanNets.Layers;
using LeanNets.Training;
using static TorchSharp.torch;

namespace LeanNets.Tests.Training;

public class ScheduleAndOptimizerTests
{
    /// <summary>A deterministic run's recorded thread count is bounded like --threads when a resume reads it
    /// from the checkpoint (1000 threads once hung a resume; 100000 overflowed the stack).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void ARecordedThreadCountIsBounded(int threads)
    {
        var options = new TrainOptions { Model = "vgnetg_1_0mp_cifar", Data = "DATA", Threads = threads };
        var e = Assert.Throws<LeanNetsUsageException>(options.Validate);
        Assert.Contains("the run's thread count must be in 1..", e.Message);
    }

    private static readonly TrainOptions Base = new()
    {
        Model = "resnet50",
        Data = ".",
        LearningRate = 0.2,
        Epochs = 10,
    };

    [Fact]
    public void WarmupThenCosine()
    {
        var o = Base with { Schedule = ScheduleKind.Cosine, WarmupEpochs = 2 };
        const int perEpoch = 100;
        // The schedule is a few double operations: exact up to round-off.
        Near.Equal(0.2 / 200, LearningRateSchedule.At(o, 0, perEpoch), 1e-12);
        Near.Equal(0.2 * 100 / 200, LearningRateSchedule.At(o, 99, perEpoch), 1e-12);
        Near.Equal(0.2, LearningRateSchedule.At(o, 200, perEpoch), 1e-12); // warmup done: the peak
        Near.Equal(0.1, LearningRateSchedule.At(o, 600, perEpoch), 1e-12); // half-way through the cosine
        Near.Equal(0.0, LearningRateSchedule.At(o, 1000, perEpoch), 1e-12);
    }

    [Fact]
    public void StepDecay()
    {
        var o = Base with
        {
            Schedule = ScheduleKind.Step,
            LearningRate = 0.1,
            StepEvery = 50,
            StepGamma = 0.1,
            Epochs = 150,
        };
        Near.Equal(0.1, LearningRateSchedule.At(o, 49 * 10 + 9, 10), 1e-12);
        Near.Equal(0.01, LearningRateSchedule.At(o, 50 * 10, 10), 1e-12);
        Near.Equal(0.001, LearningRateSchedule.At(o, 120 * 10, 10), 1e-12);
    }

    [Fact]
    public void RecipesAreOverridableAndUnknownOnesRejected()
    {
        var vgnet = Recipes.Apply("vgnet-imagenet", Base with { BatchSize = 256 });
        Near.Equal(0.1, vgnet.LearningRate, 1e-12); // 0.2 at batch 512, scaled linearly
        Assert.Equal(5, vgnet.WarmupEpochs);
        Assert.Equal(0.1, vgnet.LabelSmoothing);
        Assert.Throws<LeanNetsUsageException>(() => Recipes.Apply("nope", Base));
    }

    [Fact]
    public void WeightDecaySkipsBiasesAndNormParameters()
    {
        using var block = nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3, bias: true)),
            ("bn", nn.BatchNorm2d(8)),
            ("fc", nn.Linear(8, 2))
        );
        var (decay, noDecay) = OptimizerFactory.SplitForWeightDecay(block);
        Assert.Equal([8 * 3 * 9, 2 * 8], decay.Select(p => p.numel()));
        Assert.Equal(8 + 8 + 8 + 2, noDecay.Sum(p => p.numel())); // conv bias, BN weight and bias, fc bias
    }

    [Fact]
    public void WeightDecayIsAppliedOnlyToTheDecayGroup()
    {
        // With zero gradients, one SGD step changes a parameter only through weight decay.
        using var model = new ConvNormAct(2, 2, 1);
        var options = Base with { LearningRate = 0.5, Momentum = 0, WeightDecay = 0.1 };
        using var optimizer = OptimizerFactory.Create(model, options);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        foreach (var p in model.parameters())
            p.grad = zeros_like(p);
        optimizer.step();
        var after = model.parameters().ToList();
        for (int i = 0; i < after.Count; i++)
        {
            double expectedScale = after[i].dim() > 1 ? 1 - 0.5 * 0.1 : 1;
            Assert.True(after[i].allclose(before[i] * expectedScale, 1e-6, 1e-7), $"parameter {i}");
        }
    }

    [Fact]
    public void TopKCountsHits()
    {
        using var logits = tensor(new float[] { 0.1f, 0.5f, 0.4f, 0.9f, 0.04f, 0.06f }).view(2, 3);
        using var labels = tensor(new long[] { 2, 1 });
        // Row 0 ranks classes 1, 2, 0: label 2 is second. Row 1 ranks 0, 2, 1: label 1 is in the top 3 only.
        Assert.Equal([0L, 1L, 2L], Metrics.CorrectTopK(logits, labels, 1, 2, 3));
    }
}
