using static TorchSharp.torch;

namespace LeanNets.Inference;

/// <summary>The eager TorchSharp model in eval mode without autograd.</summary>
public sealed class TorchSharpEngine(nn.Module<Tensor, Tensor> model) : IInferenceEngine
{
    private int[]? checkedShape;

    public float[] Logits(float[] batch, int[] shape)
    {
        // Checked once per shape: the estimate profiles the model, which a loop of equal batches need not repeat.
        if (checkedShape == null || !checkedShape.SequenceEqual(shape))
        {
            Measures.MemoryEstimate.RequireFits(model, new Models.InputShape(shape[1], shape[2], shape[3]), shape[0],
                training: false);
            checkedShape = shape;
        }
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.call(tensor(batch, shape.Select(d => (long)d).ToArray())).data<float>().ToArray();
    }

    /// <summary>The model belongs to its caller.</summary>
    public void Dispose() { }
}
