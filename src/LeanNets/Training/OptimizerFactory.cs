using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>Optimizers with weight decay only on weight matrices and kernels: not on biases or BN parameters (both
/// papers).</summary>
public static class OptimizerFactory
{
    /// <summary>Parameters that get weight decay, and those that don't (every 0-D/1-D tensor: biases, BN scale and
    /// shift).</summary>
    public static (List<Parameter> Decay, List<Parameter> NoDecay) SplitForWeightDecay(nn.Module model)
    {
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var p in model.parameters().Where(p => p.requires_grad))
            (p.dim() <= 1 ? noDecay : decay).Add(p);
        return (decay, noDecay);
    }

    public static OptimizerHelper Create(nn.Module model, TrainOptions o)
    {
        var (decay, noDecay) = SplitForWeightDecay(model);
        return o.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(
                new[]
                {
                    new SGD.ParamGroup(decay, o.LearningRate, o.Momentum, 0, o.WeightDecay, o.Nesterov),
                    new SGD.ParamGroup(noDecay, o.LearningRate, o.Momentum, 0, 0, o.Nesterov),
                },
                o.LearningRate,
                o.Momentum,
                0,
                0,
                o.Nesterov
            ),
            OptimizerKind.AdamW => optim.AdamW(
                new[]
                {
                    new AdamW.ParamGroup(decay, o.LearningRate, 0.9, 0.999, 1e-8, o.WeightDecay),
                    new AdamW.ParamGroup(noDecay, o.LearningRate, 0.9, 0.999, 1e-8, 0),
                },
                o.LearningRate
            ),
            _ => throw new ArgumentOutOfRangeException(nameof(o)),
        };
    }

    public static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = lr;
    }
}
