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
    private const string OutputWeight = "heads.0.output.weight";
    private readonly YoloV3 model;
    private readonly YoloDecoder decoder;
    private readonly int inputSize;

    private ObjectDetector(YoloV3 model, IReadOnlyList<string> classNames, int inputSize, float threshold)
    {
        this.model = model;
        this.inputSize = inputSize;
        ClassNames = classNames;
        decoder = new YoloDecoder(model.Anchors, model.NumClasses) { ConfidenceThreshold = threshold };
        model.eval();
    }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>A registry detector with weights from a file (e.g. a run's best.safetensors). The class count
    /// comes from the weights; the names from the run's classes.txt beside them when it is there.</summary>
    public static ObjectDetector Load(string modelName, string weights, int inputSize = 416, float threshold = 0.25f)
    {
        var spec = DetectorRegistry.Get(modelName);
        Bounds.Require(inputSize is >= 32 and <= 4096 && inputSize % 32 == 0, "input size", inputSize,
            "a multiple of 32");
        using var file = WeightFile.Read(weights);
        bool yolo = file.Tensors.TryGetValue(OutputWeight, out var output) && output.shape[0] % 3 == 0;
        if (!yolo || output!.shape[0] <= 15)
            throw new LeanNetsException($"{weights}: not the weights of a YOLO-V3 (no {OutputWeight})");
        int classes = (int)(output.shape[0] / 3) - 5;
        var model = spec.Create(classes);
        try
        {
            WeightLoader.Load(model, modelName, file, weights);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        string names = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weights))!, "classes.txt");
        var classNames = File.Exists(names) ? File.ReadAllLines(names).Where(l => l.Length > 0).ToList() : [];
        if (classNames.Count != classes)
            classNames = Enumerable.Range(0, classes).Select(i => $"class {i}").ToList();
        return new ObjectDetector(model, classNames, inputSize, threshold);
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

    public void Dispose() => model.Dispose();
}
