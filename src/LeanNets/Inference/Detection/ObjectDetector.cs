using LeanNets.Analysis.Detection;
using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Interchange;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Inference.Detection;

/// <summary>
/// A trained detector ready for pictures: letterboxes each image to the input size, runs the model, decodes
/// and maps the boxes back to the image's own pixels.
/// </summary>
public sealed class ObjectDetector : IDisposable
{
    private readonly TrainedDetector trained;
    private readonly YoloV3 model;
    private readonly YoloDecoder decoder;
    private readonly int inputSize;

    private ObjectDetector(TrainedDetector trained, int inputSize, float threshold)
    {
        this.trained = trained;
        model = trained.Model;
        this.inputSize = inputSize;
        decoder = new YoloDecoder(model.Anchors, model.NumClasses) { ConfidenceThreshold = threshold };
    }

    public IReadOnlyList<string> ClassNames => trained.ClassNames;

    /// <summary>A registry detector with weights from a file (<see cref="TrainedDetector.Load"/>).</summary>
    public static ObjectDetector Load(string modelName, string weights, int inputSize = 416, float threshold = 0.25f)
    {
        Bounds.Require(inputSize is >= 32 and <= 4096 && inputSize % 32 == 0, "input size", inputSize,
            "a multiple of 32");
        return new ObjectDetector(TrainedDetector.Load(modelName, weights), inputSize, threshold);
    }

    /// <summary>The objects in one picture, boxes in its own pixels.</summary>
    public IReadOnlyList<DetectedObject> Detect(string imagePath)
    {
        var pixels = ImageFolderDataset.TryDecode(imagePath, out int h, out int w)
            ?? throw new BadImageException($"{imagePath}: not a readable image");
        var boxed = DetectionBatches.LetterboxPixels(pixels, h, w, inputSize);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(boxed.Select(b => b / 255f).ToArray()).view(1, 3, inputSize, inputSize);
        var found = decoder.Decode(model.forward(input), inputSize, [Path.GetFileName(imagePath)])[0];
        var (scale, padX, padY) = DetectionBatches.Fit(h, w, inputSize);
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
            .ToList();
    }

    public void Dispose() => trained.Dispose();
}
