using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Models;
using LeanNets.Models.Detection;

namespace LeanNets.Quantization;

/// <summary>
/// The images activation ranges are measured on, each preprocessed as the model card says (a classifier's
/// normalisation and size, a detector's letterbox), held as the model's input floats. A dataset LeanNets trains on
/// gives its training split (so its evaluation split stays unseen); any other folder gives the pictures in it,
/// recursively. Either way an evenly spaced <c>count</c> of them, so every class and scene is represented.
/// </summary>
public sealed class CalibrationSet
{
    private CalibrationSet(IReadOnlyList<float[]> images, int[] shape, string source, int skipped)
    {
        (Images, ImageShape, Source, Skipped) = (images, shape, source, skipped);
    }

    /// <summary>Each image's input, (C, H, W) row-major.</summary>
    public IReadOnlyList<float[]> Images { get; }

    /// <summary>(C, H, W).</summary>
    public int[] ImageShape { get; }

    /// <summary>What the images are, for the card: e.g. "256 images of the training split of DIR".</summary>
    public string Source { get; }

    /// <summary>Unreadable pictures skipped (with <see cref="QuantizeOptions.SkipBad"/>).</summary>
    public int Skipped { get; }

    public static CalibrationSet Load(ModelCard card, string folder, int count, bool skipBad)
    {
        if (!Directory.Exists(folder))
            throw new LeanNetsUsageException($"calibration folder not found: {folder}");
        var input = card.Input;
        long bytes = 4L * count * input.Channels * input.Height * input.Width;
        // The images are held while every layer's outputs are gathered for them: a quarter of the budget at most.
        Runtime.ResourceGuard.RequireMemory(4 * bytes, $"{count} calibration images at {input}", "calibrate",
            "use fewer (--images)");
        var set = !card.IsDetector && IsDataset(folder)
            ? FromDataset(card, folder, count, skipBad)
            : FromPictures(card, folder, count, skipBad);
        if (set.Images.Count < QuantizeOptions.MinImages)
            throw new LeanNetsUsageException(
                $"{folder}: {set.Images.Count} readable images; calibration needs at least {QuantizeOptions.MinImages}"
                    + (set.Skipped > 0 ? $" ({set.Skipped} unreadable skipped)" : ""));
        return set;
    }

    private static bool IsDataset(string folder)
    {
        try
        {
            DataSource.Detect(folder);
            return true;
        }
        catch (LeanNetsException)
        {
            return false;
        }
    }

    private static CalibrationSet FromDataset(ModelCard card, string folder, int count, bool skipBad)
    {
        var data = DataSource.Load(folder, train: true, skipBad, count);
        if (data.Channels != card.Input.Channels)
            throw new LeanNetsUsageException(
                $"{folder} has {data.Channels}-channel images but {card.Model} takes {card.Input.Channels}");
        var config = DataConfig.FromCard(card);
        var loader = new BatchLoader(data, config.EvalTransform(), 64, false, 0, prefetch: 0);
        var images = new List<float[]>();
        foreach (var batch in loader.Epoch(0))
        {
            int plane = batch.Pixels.Length / batch.Count;
            for (int i = 0; i < batch.Count; i++)
                images.Add(batch.Pixels.AsSpan(i * plane, plane).ToArray());
        }
        return new CalibrationSet(images, Shape(card), $"{images.Count} images of the training split of {folder}",
            DataSource.SkippedImages(data));
    }

    private static CalibrationSet FromPictures(ModelCard card, string folder, int count, bool skipBad)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(ImageFolderDataset.IsImageFile)
            .Order(StringComparer.Ordinal)
            .ToList();
        var chosen = Enumerable.Range(0, Math.Min(count, files.Count))
            .Select(i => files[(int)((long)i * files.Count / Math.Min(count, files.Count))])
            .ToList();
        var config = card.IsDetector ? null : DataConfig.FromCard(card);
        var images = new List<float[]>();
        int skipped = 0;
        foreach (var file in chosen)
        {
            try
            {
                images.Add(config != null ? Classifier(file, config) : Detector(file, card));
            }
            catch (BadImageException) when (skipBad)
            {
                skipped++;
            }
        }
        return new CalibrationSet(images, Shape(card), $"{images.Count} pictures from {folder}", skipped);
    }

    private static float[] Classifier(string file, DataConfig config)
    {
        var image = ImageInput.Load(file, config);
        return image.Values;
    }

    /// <summary>Letterboxed and normalised as the card says, as <see cref="Inference.Detection.ObjectDetector"/>
    /// does.</summary>
    private static float[] Detector(string file, ModelCard card)
    {
        var pixels = ImageFolderDataset.TryDecode(file, out int h, out int w)
            ?? throw BadImageException.Undecodable(file);
        int side = card.Input.Height;
        return DetectorInput.Of(card).FromPixels(Letterbox.Pixels(pixels, h, w, side));
    }

    private static int[] Shape(ModelCard card) => [card.Input.Channels, card.Input.Height, card.Input.Width];
}
