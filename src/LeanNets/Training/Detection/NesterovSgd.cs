using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Training.Detection;

/// <summary>
/// SGD with Nesterov momentum and decoupled-from-norms weight decay, stepping with scalars it owns for the whole
/// run. TorchSharp's optimizers build a temporary native scalar per operation; under the allocation rate of
/// detection training a garbage collection can finalize one while libtorch still reads it, and the step then
/// fails ("Expected false to be true" in a scalar conversion) or reads garbage. Holding the scalars here
/// closes that window.
/// </summary>
public sealed class NesterovSgd : IDisposable
{
    private readonly List<(Tensor Parameter, Scalar Decay)> parameters = [];
    private readonly Dictionary<Tensor, Tensor> momentumBuffers = [];
    private readonly Scalar momentum;
    private readonly Scalar decay;
    private readonly Scalar noDecay;

    public NesterovSgd(nn.Module model, double momentum, double weightDecay)
    {
        this.momentum = momentum.ToScalar();
        decay = weightDecay.ToScalar();
        noDecay = 0.0.ToScalar();
        foreach (var (name, p) in model.named_parameters())
        {
            if (!p.requires_grad)
                continue;
            // No decay on norm scales and biases (one-dimensional), as classification's optimizers do.
            parameters.Add((p, p.dim() > 1 ? decay : noDecay));
        }
    }

    public void ZeroGrad()
    {
        foreach (var (p, _) in parameters)
            p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        using var step = (-learningRate).ToScalar();
        using var noGrad = no_grad();
        foreach (var (p, weightDecay) in parameters)
        {
            if (p.grad is not Tensor grad)
                continue;
            using var scope = NewDisposeScope();
            var g = ReferenceEquals(weightDecay, noDecay) ? grad : grad.add(p, weightDecay);
            if (!momentumBuffers.TryGetValue(p, out var buffer))
            {
                buffer = g.detach().clone().DetachFromDisposeScope();
                momentumBuffers[p] = buffer;
            }
            else
                buffer.mul_(momentum).add_(g);
            p.add_(g.add(buffer, momentum), step);
        }
        GC.KeepAlive(step);
    }

    /// <summary>The momentum buffers in parameter order (a flag per parameter, then its float32 values), so a
    /// resumed run continues with the velocity it stopped with.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(parameters.Count);
        foreach (var (p, _) in parameters)
        {
            bool has = momentumBuffers.TryGetValue(p, out var buffer);
            writer.Write(has);
            if (has)
                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer!.data<float>().ToArray()
                    .AsSpan()));
        }
    }

    public void Load(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count != parameters.Count)
            throw new InvalidOperationException($"optimizer state for {count} parameters, the model has "
                + $"{parameters.Count}");
        foreach (var (p, _) in parameters)
        {
            if (!reader.ReadBoolean())
                continue;
            var values = new float[p.numel()];
            var bytes = reader.ReadBytes(values.Length * sizeof(float));
            if (bytes.Length != values.Length * sizeof(float))
                throw new EndOfStreamException("optimizer state ends early");
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            if (momentumBuffers.Remove(p, out var old))
                old.Dispose();
            momentumBuffers[p] = tensor(values).view(p.shape);
        }
    }

    public void Dispose()
    {
        foreach (var b in momentumBuffers.Values)
            b.Dispose();
        momentum.Dispose();
        decay.Dispose();
        noDecay.Dispose();
    }
}
