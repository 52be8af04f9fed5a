using LeanNets.Data;

namespace LeanNets.Inference;

/// <summary>One class of a prediction: index, name and softmax probability.</summary>
public sealed record Prediction(int Class, string Name, double Probability);

public sealed record ImagePrediction(string Image, IReadOnlyList<Prediction> Top);

/// <summary>Classifies images with any engine: each file (or upload) preprocessed by the data config, one batch.
/// </summary>
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
        Require(images.Count, top);
        return Run(engine, classNames, [.. images.Select(image => ImageInput.Load(image, data))], top);
    }

    /// <summary>Classifies images already made into inputs (<see cref="ImageInput.Load"/>,
    /// <see cref="ImageInput.FromBytes"/>), in one batch.</summary>
    public static IReadOnlyList<ImagePrediction> Run(
        IInferenceEngine engine,
        IReadOnlyList<string> classNames,
        IReadOnlyList<ImageInput> inputs,
        int top = 5
    )
    {
        Require(inputs.Count, top);
        int size = inputs[0].Size,
            channels = inputs[0].Channels,
            plane = channels * size * size;
        var batch = new float[inputs.Count * plane];
        for (int i = 0; i < inputs.Count; i++)
            inputs[i].Values.CopyTo(batch, i * plane);
        var logits = engine.Logits(batch, [inputs.Count, channels, size, size]);
        int classes = logits.Length / inputs.Count;
        var result = new List<ImagePrediction>();
        for (int i = 0; i < inputs.Count; i++)
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
            result.Add(new ImagePrediction(inputs[i].Path, best));
        }
        return result;
    }

    private static void Require(int images, int top)
    {
        if (images is 0 or > MaxImages)
            throw new LeanNetsUsageException($"give 1 to {MaxImages} images, got {images}");
        if (top < 1)
            throw new LeanNetsUsageException($"top must be positive, got {top}");
    }
}
