using LeanNets.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>The loss and correct top-1 count of one optimisation step.</summary>
public readonly record struct StepResult(float Loss, long Correct);

/// <summary>
/// One optimisation step on one batch: forward, cross-entropy (with label smoothing), backward, gradient
/// clipping, optimizer step, EMA update. The trainer and the loader benchmark both use it.
/// </summary>
public sealed class TrainStep(
    nn.Module<Tensor, Tensor> model,
    OptimizerHelper optimizer,
    TrainOptions options,
    nn.Module? ema = null
)
{
    public StepResult Run(Batch batch, double learningRate)
    {
        using var scope = NewDisposeScope();
        OptimizerFactory.SetLearningRate(optimizer, learningRate);
        var (x, y) = batch.ToTensors();
        var logits = model.call(x);
        var loss = nn.functional.cross_entropy(logits, y, label_smoothing: options.LabelSmoothing);
        optimizer.zero_grad();
        loss.backward();
        if (options.ClipGradNorm > 0)
            nn.utils.clip_grad_norm_(model.parameters(), options.ClipGradNorm);
        optimizer.step();
        if (ema != null)
            UpdateEma(ema, model, options.EmaDecay);
        return new StepResult(loss.item<float>(), Metrics.CorrectTopK(logits, y, 1)[0]);
    }

    private static void UpdateEma(nn.Module ema, nn.Module model, double decay)
    {
        using var _ = no_grad();
        foreach (var (e, p) in ema.parameters().Zip(model.parameters()))
            e.mul_(decay).add_(p, alpha: 1 - decay);
        foreach (var (e, b) in ema.buffers().Zip(model.buffers()))
            e.copy_(b);
    }
}
