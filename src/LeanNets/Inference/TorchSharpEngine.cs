using static TorchSharp.torch;

namespace LeanNets.Inference;

/// <summary>The eager TorchSharp model in eval mode without autograd.</summary>
public sealed class TorchSharpEngine(nn.Module<Tensor, Tensor> model) : IInferenceEngine
{
    public float[] Logits(float[] batch, int[] shape)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.call(tensor(batch, shape.Select(d => (long)d).ToArray())).data<float>().ToArray();
    }

    /// <summary>The model belongs to its caller.</summary>
    public void Dispose() { }
}
