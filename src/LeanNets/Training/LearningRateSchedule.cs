namespace LeanNets.Training;

/// <summary>The learning rate at any optimizer step: a pure function, so resuming needs only the step count.</summary>
public static class LearningRateSchedule
{
    /// <summary>Linear warmup from ~0 over WarmupEpochs, then cosine to 0, step decay, or constant.</summary>
    public static double At(TrainOptions o, long step, int stepsPerEpoch)
    {
        double epoch = (double)step / stepsPerEpoch;
        long warmupSteps = WarmupSteps(o, stepsPerEpoch);
        if (step < warmupSteps)
            return o.LearningRate * (step + 1) / warmupSteps;
        return o.Schedule switch
        {
            ScheduleKind.Cosine => CosineAfterWarmup(o, step, warmupSteps, (long)o.Epochs * stepsPerEpoch),
            ScheduleKind.Step => o.LearningRate * Math.Pow(o.StepGamma, Math.Floor(epoch / o.StepEvery)),
            _ => o.LearningRate,
        };
    }

    /// <summary>The biases' rate at <paramref name="step"/>: from <see cref="TrainOptions.WarmupBiasLr"/> down to
    /// the schedule's over the warm-up, then the schedule's; null when the biases follow the schedule.</summary>
    public static double? BiasAt(TrainOptions o, long step, int stepsPerEpoch)
    {
        long warmupSteps = WarmupSteps(o, stepsPerEpoch);
        if (o.WarmupBiasLr == 0 || step >= warmupSteps)
            return null;
        // The warm-up ends at the peak rate, as the other weights' does.
        return o.WarmupBiasLr + (o.LearningRate - o.WarmupBiasLr) * (step + 1) / warmupSteps;
    }

    private static long WarmupSteps(TrainOptions o, int stepsPerEpoch) =>
        (long)Math.Round(o.WarmupEpochs * stepsPerEpoch);

    private static double CosineAfterWarmup(TrainOptions o, long step, long warmupSteps, long totalSteps)
    {
        double progress = totalSteps <= warmupSteps ? 1 : (double)(step - warmupSteps) / (totalSteps - warmupSteps);
        return 0.5 * o.LearningRate * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1)));
    }
}
