namespace LeanNets.Training;

public enum OptimizerKind { Sgd, AdamW }
public enum ScheduleKind { Cosine, Step, Constant }

/// <summary>Everything a training run depends on; saved in every checkpoint so a resume continues the same run.</summary>
public sealed record TrainOptions
{
    public required string Model { get; init; }
    public required string Data { get; init; }
    public int? Classes { get; init; }
    public int? InChannels { get; init; }
    /// <summary>Input size fed to the model (the data is resized, padded or cropped to it); 0 = the data's own.</summary>
    public int InputSize { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; }
    public double WeightDecay { get; init; } = 5e-4;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    public double WarmupEpochs { get; init; }
    /// <summary>Step schedule: multiply by <see cref="StepGamma"/> every this many epochs.</summary>
    public int StepEvery { get; init; } = 30;
    public double StepGamma { get; init; } = 0.1;
    public double LabelSmoothing { get; init; }
    /// <summary>Clip the global gradient norm to this; 0 = off.</summary>
    public double ClipGradNorm { get; init; }
    /// <summary>Exponential moving average of the weights with this decay per step; 0 = off.</summary>
    public double EmaDecay { get; init; }
    /// <summary>Random-crop padding for small-image training (CIFAR recipe: 4).</summary>
    public int Pad { get; init; }
    public bool Flip { get; init; }
    public long Seed { get; init; } = 0;
    public bool Deterministic { get; init; }
    /// <summary>Batches prepared ahead on background threads; 0 loads on the training thread.</summary>
    public int Prefetch { get; init; } = 4;
    /// <summary>Use only the first N training / test images (0 = all): quick runs and tests.</summary>
    public int LimitTrain { get; init; }
    public int LimitTest { get; init; }
    public bool SkipBad { get; init; }
    public string OutputDir { get; init; } = "";
    public string Recipe { get; init; } = "default";
}
