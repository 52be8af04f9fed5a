using static TorchSharp.torch;

namespace LeanNets.Interchange;

/// <summary>
/// Named tensors as PyTorch keeps a model's weights (parameters and buffers), in the order they were read or
/// created. Owns its tensors when it was read from a file.
/// </summary>
public sealed class StateDict(IReadOnlyDictionary<string, Tensor> tensors, bool ownsTensors) : IDisposable
{
    public IReadOnlyDictionary<string, Tensor> Tensors { get; } = tensors;

    public int Count => Tensors.Count;

    /// <summary>A model's own state dict: its tensors, not copies (the model keeps owning them).</summary>
    public static StateDict Of(nn.Module model) => new(model.state_dict(), ownsTensors: false);

    public void Dispose()
    {
        if (!ownsTensors)
            return;
        foreach (var t in Tensors.Values)
            t.Dispose();
    }
}
