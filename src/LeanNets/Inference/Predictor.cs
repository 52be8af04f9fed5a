using LeanNets.Data;

namespace LeanNets.Inference;

/// <summary>One class of a prediction: index, name and softmax probability.</summary>
public sealed record Prediction(int Class, string Name, double Probability);

public sealed record ImagePrediction(string Image, IReadOnlyList<Prediction> Top);

/// <summary>Classifies image files with any engine: each file preprocessed by the data config, one batch.</summary>
public static class Predictor
{
    public const int MaxImages = 256;

    public static IReadOnlyList<ImagePrediction> Run(
        IInferenceEngine engine,
        DataConfig data,
        IReadOnlyList<string> classNames,
        IReadOnlyList<string> images,
        int top = 5
    )
    {
        if (images.Count is 0 or > MaxImages)
            throw new LeanNetsUsageException($"give 1 to {MaxImages} images, got {images.Count}");
        if (top < 1)
            throw new LeanNetsUsageException($"top must be positive, got {top}");
        int size = data.InputSize,
            plane = data.Channels * size * size;
        var batch = new float[images.Count * plane];
        for (int i = 0; i < images.Count; i++)
        {
            using var input = ImageInput.Load(images[i], data);
            input.Values.CopyTo(batch, i * plane);
        }
        var logits = engine.Logits(batch, [images.Count, data.Channels, size, size]);
        int classes = logits.Length / images.Count;
        var result = new List<ImagePrediction>();
        for (int i = 0; i < images.Count; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            float max = float.NegativeInfinity;
            foreach (var v in row)
                max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in row)
                sum += Math.Exp(v - max);
            var probabilities = row.ToArray().Select(v => Math.Exp(v - max) / sum).ToArray();
            var best = Enumerable
                .Range(0, classes)
                .OrderByDescending(c => probabilities[c])
                .Take(top)
                .Select(c => new Prediction(c, c < classNames.Count ? classNames[c] : $"class {c}", probabilities[c]))
                .ToList();
            result.Add(new ImagePrediction(images[i], best));
        }
        return result;
    }
}
