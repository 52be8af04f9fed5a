using System.Runtime.InteropServices;
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
/// The updates are PyTorch's (torch.optim.SGD with dampening 0, torch.optim.AdamW).
/// </summary>
public sealed class Optimizer : IDisposable
{
    private const double Beta1 = 0.9,
        Beta2 = 0.999,
        Epsilon = 1e-8;

    private readonly OptimizerKind kind;
    private readonly List<(Tensor Parameter, bool Decay)> parameters = [];
    private readonly Dictionary<Tensor, Tensor[]> buffers = [];
    private readonly double weightDecay;
    private readonly bool nesterov;
    private readonly Scalar momentum, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon;
    private long steps;

    public Optimizer(nn.Module model, TrainOptions options)
    {
        kind = options.Optimizer;
        weightDecay = options.WeightDecay;
        momentum = options.Momentum.ToScalar();
        nesterov = options.Nesterov;
        (beta1, oneMinusBeta1, beta2, oneMinusBeta2) =
            (Beta1.ToScalar(), (1 - Beta1).ToScalar(), Beta2.ToScalar(), (1 - Beta2).ToScalar());
        epsilon = Epsilon.ToScalar();
        var (decay, noDecay) = SplitForWeightDecay(model);
        parameters.AddRange(decay.Select(p => ((Tensor)p, true)));
        parameters.AddRange(noDecay.Select(p => ((Tensor)p, false)));
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
        foreach (var (p, _) in parameters)
            p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        steps++;
        using var _ = no_grad();
        if (kind == OptimizerKind.AdamW)
            AdamWStep(learningRate);
        else
            SgdStep(learningRate);
    }

    private void SgdStep(double learningRate)
    {
        using var step = (-learningRate).ToScalar();
        using var decay = weightDecay.ToScalar();
        foreach (var (p, decays) in parameters)
        {
            if (p.grad is not Tensor grad)
                continue;
            using var scope = NewDisposeScope();
            var g = decays && weightDecay > 0 ? grad.add(p, decay) : grad;
            if (!buffers.TryGetValue(p, out var state))
                buffers[p] = state = [g.detach().clone().DetachFromDisposeScope()];
            else
                state[0].mul_(momentum).add_(g);
            p.add_(nesterov ? g.add(state[0], momentum) : state[0], step);
        }
        GC.KeepAlive(step);
        GC.KeepAlive(decay);
    }

    private void AdamWStep(double learningRate)
    {
        using var shrink = (1 - learningRate * weightDecay).ToScalar();
        using var step = (-learningRate / (1 - Math.Pow(Beta1, steps))).ToScalar();
        using var correction2 = Math.Sqrt(1 - Math.Pow(Beta2, steps)).ToScalar();
        foreach (var (p, decays) in parameters)
        {
            if (p.grad is not Tensor grad)
                continue;
            using var scope = NewDisposeScope();
            if (decays && weightDecay > 0)
                p.mul_(shrink);
            if (!buffers.TryGetValue(p, out var state))
                buffers[p] = state = [zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope()];
            state[0].mul_(beta1).add_(grad, oneMinusBeta1);
            state[1].mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = state[1].sqrt().div_(correction2).add_(epsilon);
            p.addcdiv_(state[0], denominator, step);
        }
        GC.KeepAlive(shrink);
        GC.KeepAlive(step);
        GC.KeepAlive(correction2);
    }

    /// <summary>The step count and every parameter's buffers (momentum; AdamW's two moments), in parameter
    /// order, so a resumed run continues with the state it stopped with.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write((int)kind);
        writer.Write(steps);
        writer.Write(parameters.Count);
        foreach (var (p, _) in parameters)
        {
            var state = buffers.GetValueOrDefault(p) ?? [];
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
        steps = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != parameters.Count)
            throw new InvalidOperationException(
                $"optimizer state for {count} parameters, the model has {parameters.Count}");
        foreach (var (p, _) in parameters)
        {
            var state = new Tensor[reader.ReadInt32()];
            for (int i = 0; i < state.Length; i++)
            {
                var values = new float[p.numel()];
                var bytes = reader.ReadBytes(values.Length * sizeof(float));
                if (bytes.Length != values.Length * sizeof(float))
                    throw new EndOfStreamException("optimizer state ends early");
                Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
                state[i] = tensor(values).view(p.shape);
            }
            if (buffers.Remove(p, out var old))
                foreach (var b in old)
                    b.Dispose();
            if (state.Length > 0)
                buffers[p] = state;
        }
    }

    public void Dispose()
    {
        foreach (var b in buffers.Values.SelectMany(s => s))
            b.Dispose();
        foreach (var s in new[] { momentum, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon })
            s.Dispose();
    }
}
