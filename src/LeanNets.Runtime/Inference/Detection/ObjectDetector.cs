using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Loading;
using LeanNets.Models;
using LeanNets.Models.Detection;

namespace LeanNets.Inference.Detection;

/// <summary>
/// A trained detector ready for pictures: letterboxes each image to the input size, runs the model, decodes
/// and maps the boxes back to the image's own pixels. Built from a detector's ONNX file alone (managed code and
/// ONNX Runtime only, so it never loads libtorch), or, with the full library, from a registry detector and its
/// weights (TorchSharp, or ONNX Runtime on an export made in memory).
/// </summary>
public sealed class ObjectDetector : IDisposable
{
    private readonly IInferenceEngine engine;
    private readonly YoloDecoder? decoder;
    private readonly float threshold;
    private readonly IDisposable? weights;
    private readonly DetectorInput normalisation;

    /// <summary>Any engine that returns a YOLO-V3's raw output (or an end-to-end file's rows); <paramref
    /// name="weights"/>, when given, is disposed with the detector.</summary>
    /// <param name="decoder">null for an end-to-end file, whose graph decodes and suppresses itself.</param>
    public ObjectDetector(IInferenceEngine engine, YoloDecoder? decoder, float threshold,
        IReadOnlyList<string> classNames, int inputSize, DetectorInput normalisation, IDisposable? weights)
    {
        (this.engine, this.decoder, this.threshold, this.weights) = (engine, decoder, threshold, weights);
        (ClassNames, InputSize, this.normalisation) = (classNames, inputSize, normalisation);
    }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The letterboxed input side the detector runs at.</summary>
    public int InputSize { get; }

    /// <summary>A detector's ONNX export (`leannets export DETECTOR --onnx`): its card gives the input size,
    /// class names and anchors. The graph's input size is fixed, so another <paramref name="inputSize"/> is
    /// refused. An end-to-end file (exported with --nms) returns its boxes as they come; it keeps nothing below
    /// the score threshold it was exported with, so a lower <paramref name="threshold"/> is refused.</summary>
    public static ObjectDetector FromOnnxFile(string path, int? inputSize = null, float threshold = 0.25f)
    {
        var session = OnnxRuntimeSession.FromFile(path);
        try
        {
            var (card, anchors) = ReadCard(session, path, inputSize);
            if (EndToEnd(session, path) is { } nms)
            {
                if (threshold < nms.ScoreThreshold)
                    throw new LeanNetsUsageException(
                        $"{path} keeps only scores above {nms.ScoreThreshold} (exported with --nms): ask for that or "
                            + "more, or export without --nms for a lower threshold");
                return new ObjectDetector(session, null, threshold, card.ClassNames, card.Input.Height,
                    DetectorInput.Of(card), null);
            }
            var decoder = new YoloDecoder(anchors, card.ClassNames.Count) { ConfidenceThreshold = threshold };
            return new ObjectDetector(session, decoder, threshold, card.ClassNames, card.Input.Height,
                DetectorInput.Of(card), null);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The card of a detector's ONNX file, checked to describe a YOLO-V3 that runs at
    /// <paramref name="inputSize"/> (when given), and its anchors.</summary>
    public static (ModelCard Card, List<Anchor> Anchors) ReadCard(OnnxRuntimeSession session, string path,
        int? inputSize)
    {
        var card = Loading.OnnxMetadata.RequireCard(session.Metadata, path);
        if (!card.IsDetector)
            throw new LeanNetsUsageException(
                $"{path} is a classifier ({card.Model}): 'leannets predict {path} IMAGE...' classifies images");
        int side = card.Input.Height;
        YoloLayout.RequireInputSize(side);
        if (inputSize is int asked && asked != side)
            throw new LeanNetsUsageException(
                $"{path} runs at {side}x{side} (its graph's input); export it again with --input-size {asked}");
        bool anchorsFit = card.Anchors is { Count: > 0 } a
            && a.Count % YoloLayout.Strides.Count == 0
            && a.All(p => p.Length == 2 && p.All(v => float.IsFinite(v) && v > 0));
        if (!anchorsFit || (card.Strides != null && !card.Strides.SequenceEqual(YoloLayout.Strides)))
            throw new LeanNetsException(
                $"{path}: its model card's anchors or strides do not describe a YOLO-V3 (3 scales, strides "
                    + $"{string.Join("/", YoloLayout.Strides)}, a width and height per anchor)");
        return (card, card.Anchors!.Select(p => new Anchor(p[0], p[1])).ToList());
    }

    /// <summary>The settings of an end-to-end file (decoding and NMS in its graph), or null for raw predictions.
    /// </summary>
    public static Export.NmsSettings? EndToEnd(OnnxRuntimeSession session, string path) =>
        session.OutputNames.Contains(Export.NmsSettings.OutputName)
            ? Export.NmsSettings.Parse(session.Metadata.GetValueOrDefault(Export.NmsSettings.MetadataKey, ""), path)
            : null;

    /// <summary>The objects in one picture, boxes in its own pixels.</summary>
    public IReadOnlyList<DetectedObject> Detect(string imagePath)
    {
        var pixels = ImageFolderDataset.TryDecode(imagePath, out int h, out int w)
            ?? throw BadImageException.Undecodable(imagePath);
        return Detect(pixels, h, w, Path.GetFileName(imagePath));
    }

    /// <summary>The objects in one encoded picture held in memory (an upload), boxes in its own pixels; safe to
    /// call from several threads at once on ONNX Runtime.</summary>
    public IReadOnlyList<DetectedObject> Detect(byte[] encoded, string name)
    {
        var pixels = ImageFolderDataset.TryDecode(encoded, out int h, out int w)
            ?? throw BadImageException.Undecodable(name, encoded);
        return Detect(pixels, h, w, name);
    }

    private List<DetectedObject> Detect(byte[] pixels, int h, int w, string name)
    {
        var boxed = Letterbox.Pixels(pixels, h, w, InputSize);
        var raw = engine.Logits(normalisation.FromPixels(boxed), [1, 3, InputSize, InputSize]);
        var found = decoder?.Decode(raw, InputSize, name) ?? Rows(raw, name);
        var (scale, padX, padY) = Letterbox.Fit(h, w, InputSize);
        return found
            .Select(d => d with
            {
                Box = new BoundingBox(
                    Math.Clamp((d.Box.X1 - padX) / scale, 0, w),
                    Math.Clamp((d.Box.Y1 - padY) / scale, 0, h),
                    Math.Clamp((d.Box.X2 - padX) / scale, 0, w),
                    Math.Clamp((d.Box.Y2 - padY) / scale, 0, h)
                ),
            })
            // A box that lay only on the letterbox's padding maps to zero area in the picture: not an object.
            .Where(d => d.Box.X2 > d.Box.X1 && d.Box.Y2 > d.Box.Y1)
            .ToList();
    }

    /// <summary>An end-to-end file's [K, 7] rows (image, x1, y1, x2, y2, score, class), best first, above the
    /// threshold asked for.</summary>
    private List<DetectedObject> Rows(float[] rows, string image)
    {
        const int width = Export.NmsSettings.Columns;
        return Enumerable.Range(0, rows.Length / width)
            .Select(k => rows.AsSpan(k * width, width).ToArray())
            .Where(r => r[5] > threshold)
            .Select(r => new DetectedObject(image, (int)r[6], r[5], new BoundingBox(r[1], r[2], r[3], r[4])))
            .ToList();
    }

    public void Dispose()
    {
        engine.Dispose();
        weights?.Dispose();
    }
}
