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

    /// <summary>A bias warm-up starts the biases at its rate and brings them linearly to the peak by the
    /// warm-up's end, after which they follow the schedule; without one (or after it) there is no bias rate.
    /// </summary>
    [Fact]
    public void ABiasWarmupFallsToThePeak()
    {
        var o = Base with { WarmupEpochs = 2, WarmupBiasLr = 0.1, LearningRate = 0.01 };
        const int perEpoch = 10;
        Near.Equal(0.1 + (0.01 - 0.1) / 20, LearningRateSchedule.BiasAt(o, 0, perEpoch)!.Value, 1e-12);
        Near.Equal(0.055, LearningRateSchedule.BiasAt(o, 9, perEpoch)!.Value, 1e-12); // half-way
        Near.Equal(0.01, LearningRateSchedule.BiasAt(o, 19, perEpoch)!.Value, 1e-12); // the warm-up's last step
        Assert.Null(LearningRateSchedule.BiasAt(o, 20, perEpoch));
        Assert.Null(LearningRateSchedule.BiasAt(o with { WarmupBiasLr = 0 }, 0, perEpoch));
        var e = Assert.Throws<LeanNetsUsageException>((o with { WarmupEpochs = 0 }).ValidateRanges);
        Assert.Contains("--warmup is 0", e.Message);
    }

    /// <summary>With a bias rate, one plain SGD step moves the biases by it and the weights by the schedule's
    /// rate.</summary>
    [Fact]
    public void BiasesStepAtTheirOwnRate()
    {
        using var model = nn.Linear(3, 2);
        using var optimizer = new Optimizer(model, Base with { Momentum = 0, WeightDecay = 0 });
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        foreach (var p in model.parameters())
            p.grad = ones_like(p);
        optimizer.Step(0.01, 0.1);
        Assert.True(model.weight!.allclose(before[0] - 0.01, 1e-6, 1e-7), "weight");
        Assert.True(model.bias!.allclose(before[1] - 0.1, 1e-6, 1e-7), "bias");
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
            ("bn", BatchNorm.Over2d(8)),
            ("fc", nn.Linear(8, 2))
        );
        var (decay, noDecay) = Optimizer.SplitForWeightDecay(block);
        Assert.Equal([8 * 3 * 9, 2 * 8], decay.Select(p => p.numel()));
        Assert.Equal(8 + 8 + 8 + 2, noDecay.Sum(p => p.numel())); // conv bias, BN weight and bias, fc bias
    }

    [Fact]
    public void WeightDecayIsAppliedOnlyToTheDecayGroup()
    {
        // With zero gradients, one SGD step changes a parameter only through weight decay.
        using var model = new ConvNormAct(2, 2, 1);
        var options = Base with { LearningRate = 0.5, Momentum = 0, WeightDecay = 0.1 };
        using var optimizer = new Optimizer(model, options);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        foreach (var p in model.parameters())
            p.grad = zeros_like(p);
        optimizer.Step(0.5);
        var after = model.parameters().ToList();
        for (int i = 0; i < after.Count; i++)
        {
            double expectedScale = after[i].dim() > 1 ? 1 - 0.5 * 0.1 : 1;
            Assert.True(after[i].allclose(before[i] * expectedScale, 1e-6, 1e-7), $"parameter {i}");
        }
    }

    /// <summary>Two steps of each optimizer against PyTorch's update rules written out in float64
    /// (torch.optim.SGD with dampening 0, Nesterov or not; torch.optim.AdamW with its bias corrections), with
    /// decay on the weight and none on the bias.</summary>
    [Theory]
    [InlineData(OptimizerKind.Sgd, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    [InlineData(OptimizerKind.AdamW, false)]
    public void OptimizerStepsArePyTorchs(OptimizerKind kind, bool nesterov)
    {
        using var model = nn.Linear(3, 2);
        var options = Base with { Optimizer = kind, Nesterov = nesterov, Momentum = 0.9, WeightDecay = 0.1 };
        using var optimizer = new Optimizer(model, options);
        var parameters = model.parameters().ToList();
        var values = parameters.Select(p => p.data<float>().Select(v => (double)v).ToArray()).ToList();
        var first = parameters.Select(p => new double[p.numel()]).ToList();
        var second = parameters.Select(p => new double[p.numel()]).ToList();
        double[] rates = [0.05, 0.02];
        for (int step = 1; step <= 2; step++)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                var grad = Enumerable.Range(0, (int)parameters[i].numel()).Select(j => Math.Sin(7 * i + 3 * j + step))
                    .ToArray();
                parameters[i].grad = tensor(grad.Select(g => (float)g).ToArray()).view(parameters[i].shape);
                double decay = parameters[i].dim() > 1 ? 0.1 : 0, lr = rates[step - 1];
                for (int j = 0; j < grad.Length; j++)
                {
                    ref double p = ref values[i][j];
                    if (kind == OptimizerKind.AdamW)
                    {
                        p *= 1 - lr * decay;
                        first[i][j] = 0.9 * first[i][j] + 0.1 * grad[j];
                        second[i][j] = 0.999 * second[i][j] + 0.001 * grad[j] * grad[j];
                        double denominator = Math.Sqrt(second[i][j]) / Math.Sqrt(1 - Math.Pow(0.999, step)) + 1e-8;
                        p -= lr / (1 - Math.Pow(0.9, step)) * first[i][j] / denominator;
                        continue;
                    }
                    double g = grad[j] + decay * p;
                    first[i][j] = step == 1 ? g : 0.9 * first[i][j] + g;
                    p -= lr * (nesterov ? g + 0.9 * first[i][j] : first[i][j]);
                }
            }
            optimizer.Step(rates[step - 1]);
        }
        for (int i = 0; i < parameters.Count; i++)
        {
            var actual = parameters[i].data<float>().ToArray();
            for (int j = 0; j < actual.Length; j++)
                Near.Equal(values[i][j], actual[j], 1e-6); // float32 steps of magnitude ~0.1
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
