namespace LeanNets.Inference;

/// <summary>The engines LeanNets runs a model with.</summary>
public enum EngineKind
{
    TorchSharp,
    OnnxRuntime,
}

/// <summary>Runs a model on a batch of preprocessed images: (N, C, H, W) floats in, its output row-major (a
/// classifier's (N, classes) logits, a detector's (N, predictions, 5 + classes)).</summary>
public interface IInferenceEngine : IDisposable
{
    float[] Logits(float[] batch, int[] shape);
}
