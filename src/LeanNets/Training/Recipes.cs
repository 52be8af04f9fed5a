namespace LeanNets.Training;

/// <summary>
/// The papers' training recipes by name; every value can still be overridden on the command line.
/// </summary>
public static class Recipes
{
    public static readonly IReadOnlyDictionary<
        string,
        (string Description, Func<TrainOptions, TrainOptions> Apply)
    > All = new Dictionary<string, (string, Func<TrainOptions, TrainOptions>)>
    {
        ["default"] = (
            "SGD 0.9, lr 0.1, wd 5e-4, cosine, 1 warmup epoch",
            o =>
                o with
                {
                    Optimizer = OptimizerKind.Sgd,
                    LearningRate = 0.1,
                    Momentum = 0.9,
                    WeightDecay = 5e-4,
                    Schedule = ScheduleKind.Cosine,
                    WarmupEpochs = 1,
                }
        ),
        ["fashion-mnist"] = (
            "small-image recipe: SGD nesterov, lr 0.1, wd 5e-4, cosine, 1 warmup, pad-2 crops, flips, label "
            + "smoothing 0.1",
            o =>
                o with
                {
                    Optimizer = OptimizerKind.Sgd,
                    LearningRate = 0.1,
                    Momentum = 0.9,
                    Nesterov = true,
                    WeightDecay = 5e-4,
                    Schedule = ScheduleKind.Cosine,
                    WarmupEpochs = 1,
                    Pad = 2,
                    Flip = true,
                    LabelSmoothing = 0.1,
                }
        ),
        ["vgnet-imagenet"] = (
            "VGNet paper: SGD, lr 0.2 at batch 512 (scaled linearly), 5 warmup epochs, cosine, 300 epochs, label "
            + "smoothing 0.1, wd 4e-5",
            o =>
                o with
                {
                    Optimizer = OptimizerKind.Sgd,
                    LearningRate = 0.2 * o.BatchSize / 512.0,
                    Momentum = 0.9,
                    WeightDecay = 4e-5,
                    Schedule = ScheduleKind.Cosine,
                    WarmupEpochs = 5,
                    Epochs = 300,
                    LabelSmoothing = 0.1,
                    Flip = true,
                }
        ),
        ["dualconv-cifar"] = (
            "DualConv paper CIFAR: SGD 0.9, lr 0.1 x0.1 every 50 epochs, wd 5e-4, pad-4 crops, flips",
            o =>
                o with
                {
                    Optimizer = OptimizerKind.Sgd,
                    LearningRate = 0.1,
                    Momentum = 0.9,
                    WeightDecay = 5e-4,
                    Schedule = ScheduleKind.Step,
                    StepEvery = 50,
                    StepGamma = 0.1,
                    Epochs = 150,
                    Pad = 4,
                    Flip = true,
                }
        ),
        ["dualconv-cifar100"] = (
            "DualConv paper CIFAR-100: SGD 0.9, lr 0.1 x0.2 every 60 epochs, wd 5e-4",
            o =>
                o with
                {
                    Optimizer = OptimizerKind.Sgd,
                    LearningRate = 0.1,
                    Momentum = 0.9,
                    WeightDecay = 5e-4,
                    Schedule = ScheduleKind.Step,
                    StepEvery = 60,
                    StepGamma = 0.2,
                    Epochs = 200,
                    Pad = 4,
                    Flip = true,
                }
        ),
        ["dualconv-imagenet"] = (
            "DualConv paper ImageNet: SGD 0.9, lr 0.1 x0.1 every 30 epochs, wd 1e-4",
            o =>
                o with
                {
                    Optimizer = OptimizerKind.Sgd,
                    LearningRate = 0.1,
                    Momentum = 0.9,
                    WeightDecay = 1e-4,
                    Schedule = ScheduleKind.Step,
                    StepEvery = 30,
                    StepGamma = 0.1,
                    Epochs = 90,
                    Flip = true,
                }
        ),
    };

    public static TrainOptions Apply(string name, TrainOptions options)
    {
        if (!All.TryGetValue(name, out var recipe))
            throw new LeanNetsUsageException($"unknown recipe '{name}'; known: {string.Join(", ", All.Keys)}");
        return recipe.Apply(options) with { Recipe = name };
    }
}
