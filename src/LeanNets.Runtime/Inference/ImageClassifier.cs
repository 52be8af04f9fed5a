using LeanNets.Data;
using LeanNets.Loading;
using LeanNets.Models;

namespace LeanNets.Inference;

/// <summary>
/// A trained classifier ready for pictures, the classification sibling of
/// <see cref="Detection.ObjectDetector"/>: each image preprocessed as the weights' card says, the top classes by
/// name. Built from a classifier's ONNX file alone (managed code and ONNX Runtime only, so it never loads
/// libtorch), or, with the full library, from a registry model and its weights (TorchSharp, or ONNX Runtime on an
/// export made in memory).
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly IInferenceEngine engine;
    private readonly IDisposable? weights;

    /// <summary>Any engine with the card of the weights it runs; <paramref name="weights"/>, when given, is
    /// disposed with the classifier (what holds the weights the engine runs).</summary>
    public ImageClassifier(IInferenceEngine engine, ModelCard card, DataConfig data, IDisposable? weights = null)
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
        var input = ImageInput.FromBytes(encoded, name, Data);
        return Predictor.Run(engine, ClassNames, [input], top).Single();
    }

    public void Dispose()
    {
        engine.Dispose();
        weights?.Dispose();
    }
}
