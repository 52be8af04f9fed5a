using LeanNets.Loading;

namespace LeanNets.Inference;

/// <summary>Classifiers made from registry models and weight files (the classifier itself is in the runtime
/// package, which has no TorchSharp).</summary>
public static class ImageClassifiers
{
    extension(ImageClassifier)
    {
        /// <summary>Registry model <paramref name="modelName"/> with the weights of <paramref name="weights"/> (any
        /// file <see cref="LoadedModel.Open"/> takes; null: its initial weights), run by TorchSharp or by ONNX Runtime
        /// on its export.</summary>
        public static ImageClassifier Load(string modelName, string? weights, EngineKind engine = EngineKind.TorchSharp)
        {
            var loaded = LoadedModel.Open(modelName, weights);
            try
            {
                IInferenceEngine runner = engine == EngineKind.TorchSharp
                    ? new TorchSharpEngine(loaded.Model)
                    : OnnxRuntimeSession.ForModel(loaded.Model, loaded.Data.InputSize, loaded.Data.Channels);
                return new ImageClassifier(runner, loaded.Card, loaded.Data, loaded);
            }
            catch
            {
                loaded.Dispose();
                throw;
            }
        }
    }
}
