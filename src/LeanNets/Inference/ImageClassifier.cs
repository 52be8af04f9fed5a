using LeanNets.Data;
using LeanNets.Loading;
using LeanNets.Models;

namespace LeanNets.Inference;

/// <summary>
/// A trained classifier ready for pictures, the classification sibling of
/// <see cref="Detection.ObjectDetector"/>: each image preprocessed as the weights' card says, the top classes by
/// name. Built from a registry model and its weights (TorchSharp, or ONNX Runtime on an export made in memory), or
/// from a classifier's ONNX file alone: that path is managed code and ONNX Runtime only, so it never loads
/// libtorch.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly IInferenceEngine engine;
    private readonly IDisposable? weights;

    private ImageClassifier(IInferenceEngine engine, ModelCard card, DataConfig data, IDisposable? weights)
    {
        (this.engine, this.weights) = (engine, weights);
        (Card, Data) = (card, data);
    }

    /// <summary>What the weights are: model, input, normalisation, class names, and whether the head is trained
    /// (<see cref="ModelCard.Backbone"/>: a backbone's classes mean nothing until it is fine-tuned).</summary>
    public ModelCard Card { get; }

    /// <summary>How images become inputs.</summary>
    public DataConfig Data { get; }

    public IReadOnlyList<string> ClassNames => Card.ClassNames;

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

    /// <summary>A classifier's ONNX export (`leannets export MODEL --onnx`, float or int8): its card gives the
    /// preprocessing and the class names.</summary>
    public static ImageClassifier FromOnnxFile(string path)
    {
        var session = OnnxRuntimeSession.FromFile(path);
        try
        {
            var (card, data) = OnnxMetadata.ReadClassifier(session.Metadata, path);
            return new ImageClassifier(session, card, data, null);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The <paramref name="top"/> classes of each image file, most probable first (one batch of at most
    /// <see cref="Predictor.MaxImages"/>).</summary>
    public IReadOnlyList<ImagePrediction> Classify(IReadOnlyList<string> images, int top = 5) =>
        Predictor.Run(engine, Data, ClassNames, images, top);

    /// <summary>The <paramref name="top"/> classes of one encoded image held in memory (an upload: PNG, JPEG, BMP,
    /// GIF or WebP bytes), named <paramref name="name"/> in the result. Safe to call from several threads at once
    /// on ONNX Runtime.</summary>
    public ImagePrediction Classify(byte[] encoded, string name, int top = 5)
    {
        using var input = ImageInput.FromBytes(encoded, name, Data);
        return Predictor.Run(engine, ClassNames, [input], top).Single();
    }

    public void Dispose()
    {
        engine.Dispose();
        weights?.Dispose();
    }
}
