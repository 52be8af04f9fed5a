using LeanNets.Data;

namespace LeanNets.Training;

/// <summary>
/// The papers' training recipes by name; every value can still be overridden on the command line.
/// </summary>
public static class Recipes
{
    public sealed record Recipe(string Description, Func<TrainOptions, TrainOptions> Apply);

    public static readonly IReadOnlyDictionary<string, Recipe> All = new Dictionary<string, Recipe>
    {
        ["default"] = new(
            "SGD 0.9, lr 0.1, wd 5e-4, cosine, 1 warmup epoch, no augmentation",
            o => Sgd(o, 0.1, 5e-4) with { Schedule = ScheduleKind.Cosine, WarmupEpochs = 1 }
        ),
        ["fashion-mnist"] = new(
            "small-image recipe: SGD nesterov, lr 0.1, wd 5e-4, cosine, 1 warmup, pad-2 crops, flips, smoothing 0.1",
            o =>
                Sgd(o, 0.1, 5e-4) with
                {
                    Nesterov = true,
                    Schedule = ScheduleKind.Cosine,
                    WarmupEpochs = 1,
                    Pad = 2,
                    Flip = true,
                    LabelSmoothing = 0.1,
                }
        ),
        ["vgnet-imagenet"] = new(
            "VGNet paper: SGD, lr 0.2 at batch 512 (scaled), 5 warmup, cosine, 300 epochs, smoothing 0.1, wd 4e-5",
            o =>
                Sgd(o, 0.2 * o.BatchSize / 512.0, 4e-5).WithAugmentation(Augmentation.ImageNet) with
                {
                    Schedule = ScheduleKind.Cosine,
                    WarmupEpochs = 5,
                    Epochs = 300,
                    LabelSmoothing = 0.1,
                }
        ),
        ["dualconv-cifar"] = new(
            "DualConv paper CIFAR: SGD 0.9, lr 0.1 x0.1 every 50 epochs, 150 epochs, wd 5e-4, CIFAR augmentation",
            o => Step(Sgd(o, 0.1, 5e-4), 50, 0.1, 150).WithAugmentation(Augmentation.Cifar)
        ),
        ["dualconv-cifar100"] = new(
            "DualConv paper CIFAR-100: SGD 0.9, lr 0.1 x0.2 every 60 epochs, 200 epochs, wd 5e-4, CIFAR augmentation",
            o => Step(Sgd(o, 0.1, 5e-4), 60, 0.2, 200).WithAugmentation(Augmentation.Cifar)
        ),
        ["dualconv-imagenet"] = new(
            "DualConv paper ImageNet: SGD 0.9, lr 0.1 x0.1 every 30 epochs, 90 epochs, wd 1e-4, ImageNet augmentation",
            o => Step(Sgd(o, 0.1, 1e-4), 30, 0.1, 90).WithAugmentation(Augmentation.ImageNet)
        ),
    };

    public static TrainOptions Apply(string name, TrainOptions options)
    {
        if (!All.TryGetValue(name, out var recipe))
            throw new LeanNetsUsageException($"unknown recipe '{name}'; known: {string.Join(", ", All.Keys)}");
        return recipe.Apply(options) with { Recipe = name };
    }

    private static TrainOptions Sgd(TrainOptions o, double lr, double weightDecay) =>
        o with { Optimizer = OptimizerKind.Sgd, LearningRate = lr, Momentum = 0.9, WeightDecay = weightDecay };

    private static TrainOptions Step(TrainOptions o, int every, double gamma, int epochs) =>
        o with { Schedule = ScheduleKind.Step, StepEvery = every, StepGamma = gamma, Epochs = epochs };
}
