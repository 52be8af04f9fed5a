using System.Runtime.InteropServices;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>
/// The optimizer of every training task: SGD (momentum, optionally Nesterov) or AdamW, with weight decay only
/// on weight matrices and kernels, not on biases or norm parameters (both papers), and a learning rate given
/// per step (the schedule is a pure function of the step). Written here rather than taken from TorchSharp
/// because TorchSharp's optimizers build a temporary native scalar per operation; under detection's allocation
/// rate a garbage collection finalised one while libtorch still read it, and the step failed ("Expected false
/// to be true" in a scalar conversion) or read garbage. Every scalar here is owned for as long as it is used.
/// The updates are PyTorch's (torch.optim.SGD with dampening 0, torch.optim.AdamW), state per parameter
/// included: a parameter without a gradient is skipped and its step count does not advance. Additions pass
/// <see cref="OwnedScalars"/>' alpha, not TorchSharp's implicit temporary one.
/// </summary>
public sealed class Optimizer : IDisposable
{
    private const double Beta1 = 0.9,
        Beta2 = 0.999,
        Epsilon = 1e-8;

    private readonly OptimizerKind kind;
    private readonly Tensor[] parameters;
    private readonly bool[] decays;

    // Per parameter: whether it is a bias (named "bias" in its module), which a bias warm-up steps at its own rate.
    private readonly bool[] biases;

    // Per parameter: its learning rate as a fraction of the schedule's (the backbone's under fine-tuning).
    private readonly double[] rateScales;

    // Per parameter: its buffers (SGD's momentum; AdamW's two moments), null before its first step, and its
    // step count.
    private readonly Tensor[]?[] buffers;
    private readonly long[] steps;
    private readonly double weightDecay, momentumValue;
    private readonly bool nesterov;
    private readonly Scalar momentum, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon;

    public Optimizer(nn.Module model, TrainOptions options)
    {
        kind = options.Optimizer;
        (weightDecay, momentumValue, nesterov) = (options.WeightDecay, options.Momentum, options.Nesterov);
        momentum = options.Momentum.ToScalar();
        (beta1, oneMinusBeta1, beta2, oneMinusBeta2) =
            (Beta1.ToScalar(), (1 - Beta1).ToScalar(), Beta2.ToScalar(), (1 - Beta2).ToScalar());
        epsilon = Epsilon.ToScalar();
        var (decay, noDecay) = SplitForWeightDecay(model);
        parameters = [.. decay, .. noDecay];
        decays = [.. decay.Select(_ => true), .. noDecay.Select(_ => false)];
        var backbone = model.named_parameters().Where(p => Freezing.IsBackbone(p.name))
            .Select(p => (Tensor)p.parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        rateScales = [.. parameters.Select(p => backbone.Contains(p) ? options.BackboneLrScale : 1)];
        var biasSet = model.named_parameters()
            .Where(p => p.name == "bias" || p.name.EndsWith(".bias", StringComparison.Ordinal))
            .Select(p => (Tensor)p.parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        biases = [.. parameters.Select(biasSet.Contains)];
        buffers = new Tensor[]?[parameters.Length];
        steps = new long[parameters.Length];
    }

    /// <summary>Parameters that get weight decay, and those that don't (every 0-D/1-D tensor: biases, norm scale
    /// and shift).</summary>
    public static (List<TorchSharp.Modules.Parameter> Decay, List<TorchSharp.Modules.Parameter> NoDecay)
        SplitForWeightDecay(nn.Module model)
    {
        var decay = new List<TorchSharp.Modules.Parameter>();
        var noDecay = new List<TorchSharp.Modules.Parameter>();
        foreach (var p in model.parameters().Where(p => p.requires_grad))
            (p.dim() <= 1 ? noDecay : decay).Add(p);
        return (decay, noDecay);
    }

    public void ZeroGrad()
    {
        foreach (var p in parameters)
            p.grad?.zero_();
    }

    /// <summary>One step at <paramref name="learningRate"/>; the biases at <paramref name="biasLearningRate"/>
    /// when given (a bias warm-up).</summary>
    public void Step(double learningRate, double? biasLearningRate = null)
    {
        using var _ = no_grad();
        using var decay = weightDecay.ToScalar();
        double[] rates =
            [.. rateScales.Select((s, i) => (biases[i] ? biasLearningRate ?? learningRate : learningRate) * s)];
        // One step and shrink per learning rate in use (the head's, the backbone's when it is scaled, the biases'
        // in a bias warm-up).
        var scalars = rates.Distinct().ToDictionary(
            r => r,
            r => ((-r).ToScalar(), (1 - r * weightDecay).ToScalar()));
        try
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].grad is not Tensor grad)
                    continue;
                using var scope = NewDisposeScope();
                steps[i]++;
                var (step, shrink) = scalars[rates[i]];
                if (kind == OptimizerKind.AdamW)
                    AdamW(i, grad, rates[i], shrink);
                else
                    Sgd(i, grad, step, decay);
            }
        }
        finally
        {
            foreach (var (step, shrink) in scalars.Values)
            {
                step.Dispose();
                shrink.Dispose();
            }
        }
        GC.KeepAlive(decay);
    }

    private void Sgd(int i, Tensor grad, Scalar step, Scalar decay)
    {
        var p = parameters[i];
        var g = decays[i] && weightDecay > 0 ? grad.add(p, decay) : grad;
        if (momentumValue == 0)
        {
            p.add_(g, step);
            return;
        }
        if (buffers[i] is not [var buffer])
            buffers[i] = [buffer = g.detach().clone().DetachFromDisposeScope()];
        else
            buffer.mul_(momentum).PlusInPlace(g);
        p.add_(nesterov ? g.add(buffer, momentum) : buffer, step);
    }

    private void AdamW(int i, Tensor grad, double learningRate, Scalar shrink)
    {
        var p = parameters[i];
        if (decays[i] && weightDecay > 0)
            p.mul_(shrink);
        var state = buffers[i] ??=
            [zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope()];
        state[0].mul_(beta1).add_(grad, oneMinusBeta1);
        state[1].mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
        using var correction2 = Math.Sqrt(1 - Math.Pow(Beta2, steps[i])).ToScalar();
        using var step = (-learningRate / (1 - Math.Pow(Beta1, steps[i]))).ToScalar();
        var denominator = state[1].sqrt().div_(correction2).add_(epsilon, OwnedScalars.One);
        p.addcdiv_(state[0], denominator, step);
        GC.KeepAlive(correction2);
        GC.KeepAlive(step);
    }

    /// <summary>Each parameter's step count and buffers, in parameter order, so a resumed run continues with the
    /// state it stopped with.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write((int)kind);
        writer.Write(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            writer.Write(steps[i]);
            var state = buffers[i] ?? [];
            writer.Write(state.Length);
            foreach (var buffer in state)
                writer.Write(MemoryMarshal.AsBytes(buffer.data<float>().ToArray().AsSpan()));
        }
    }

    public void Load(BinaryReader reader)
    {
        var saved = (OptimizerKind)reader.ReadInt32();
        if (saved != kind)
            throw new InvalidOperationException($"optimizer state of {saved}, the run uses {kind}");
        int count = reader.ReadInt32();
        if (count != parameters.Length)
            throw new InvalidOperationException(
                $"optimizer state for {count} parameters, the model has {parameters.Length}");
        for (int i = 0; i < parameters.Length; i++)
        {
            steps[i] = reader.ReadInt64();
            var state = new Tensor[reader.ReadInt32()];
            for (int b = 0; b < state.Length; b++)
            {
                var values = new float[parameters[i].numel()];
                var bytes = reader.ReadBytes(values.Length * sizeof(float));
                if (bytes.Length != values.Length * sizeof(float))
                    throw new EndOfStreamException("optimizer state ends early");
                Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
                using var flat = tensor(values);
                state[b] = flat.view(parameters[i].shape);
            }
            foreach (var old in buffers[i] ?? [])
                old.Dispose();
            buffers[i] = state.Length > 0 ? state : null;
        }
    }

    public void Dispose()
    {
        foreach (var b in buffers.SelectMany(s => s ?? []))
            b.Dispose();
        foreach (var s in new[] { momentum, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon })
            s.Dispose();
    }
}
