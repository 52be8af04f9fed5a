namespace LeanNets.Inference;

/// <summary>The engines LeanNets runs a model with.</summary>
public enum EngineKind
{
    TorchSharp,
    OnnxRuntime,
}

/// <summary>Runs a classifier on a batch of preprocessed images: (N, C, H, W) floats in, (N, classes) logits
/// out, row-major.</summary>
public interface IInferenceEngine : IDisposable
{
    float[] Logits(float[] batch, int[] shape);
}
