using LeanNets.Analysis.Detection;
using LeanNets.Data;
using LeanNets.Data.Detection;
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
    private readonly IInferenceEngine engine;
    private readonly YoloDecoder decoder;
    private readonly int inputSize;

    private ObjectDetector(TrainedDetector trained, IInferenceEngine engine, int inputSize, float threshold)
    {
        this.trained = trained;
        this.engine = engine;
        this.inputSize = inputSize;
        decoder = new YoloDecoder(trained.Model.Anchors, trained.Model.NumClasses) { ConfidenceThreshold = threshold };
    }

    public IReadOnlyList<string> ClassNames => trained.ClassNames;

    /// <summary>The letterboxed input side the detector runs at.</summary>
    public int InputSize => inputSize;

    /// <summary>A registry detector with weights from a file (<see cref="TrainedDetector.Load"/>), run by
    /// TorchSharp or by ONNX Runtime on its export (built in memory at the input size: the one given, else the
    /// trained one).</summary>
    public static ObjectDetector Load(
        string modelName,
        string weights,
        int? inputSize = null,
        float threshold = 0.25f,
        EngineKind engine = EngineKind.TorchSharp
    )
    {
        var trained = TrainedDetector.Load(modelName, weights);
        try
        {
            int side = trained.SideFor(inputSize);
            DetectorRegistry.RequireInputSize(side);
            IInferenceEngine runner = engine == EngineKind.OnnxRuntime
                ? OnnxRuntimeSession.ForModel(trained.Model, side, 3)
                : new TorchSharpEngine(trained.Model);
            return new ObjectDetector(trained, runner, side, threshold);
        }
        catch
        {
            trained.Dispose();
            throw;
        }
    }

    /// <summary>The objects in one picture, boxes in its own pixels.</summary>
    public IReadOnlyList<DetectedObject> Detect(string imagePath)
    {
        var pixels = ImageFolderDataset.TryDecode(imagePath, out int h, out int w)
            ?? throw new BadImageException($"{imagePath}: not a readable image");
        var boxed = DetectionBatches.LetterboxPixels(pixels, h, w, inputSize);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var raw = engine.Logits(boxed.Select(b => b / 255f).ToArray(), [1, 3, inputSize, inputSize]);
        int values = 5 + trained.Model.NumClasses;
        var found = decoder.Decode(tensor(raw).view(1, -1, values), inputSize, [Path.GetFileName(imagePath)])[0];
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
            // A box that lay only on the letterbox's padding maps to zero area in the picture: not an object.
            .Where(d => d.Box.X2 > d.Box.X1 && d.Box.Y2 > d.Box.Y1)
            .ToList();
    }

    public void Dispose()
    {
        engine.Dispose();
        trained.Dispose();
    }
}
