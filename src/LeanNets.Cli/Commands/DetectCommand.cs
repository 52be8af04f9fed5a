using System.CommandLine;
using System.Globalization;
using LeanNets.Inference;
using LeanNets.Inference.Detection;
using LeanNets.IO;
using LeanNets.Loading;
using LeanNets.Reports;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets detect MODEL --weights F IMAGE...` or `leannets detect FILE.onnx IMAGE...`: each picture
/// with its boxes drawn, and detections.json.</summary>
public static class DetectCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "detector name, e.g. yolov3_w25, or a detector's ONNX export (runs on ONNX Runtime alone)",
        };
        var weights = new Option<string?>("--weights", "--checkpoint")
        {
            Description = "trained weights (a detector run's best.safetensors); required with a detector name",
        };
        var images = new Argument<string[]>("images") { Description = "pictures", Arity = ArgumentArity.OneOrMore };
        var size = new Option<int?>("--input-size")
        {
            Description = "letterboxed input side, a multiple of 32 (default: the trained one)",
        };
        var threshold = new Option<float>("--threshold")
        {
            Description = "minimum score (objectness x class probability)",
            DefaultValueFactory = _ => Models.Detection.YoloDecoder.DefaultConfidenceThreshold,
        };
        var dir = new Option<string>("--out")
        {
            Description = "folder for the drawn pictures and detections.json",
            DefaultValueFactory = _ => "detections",
        };
        var engine = new Option<EngineKind>("--engine")
        {
            Description = "torchsharp, or onnxruntime (runs the detector's ONNX export)",
            DefaultValueFactory = _ => EngineKind.TorchSharp,
        };
        var command = new Command("detect", "Find objects in pictures with a trained detector")
        {
            engine,
            model,
            weights,
            images,
            size,
            threshold,
            dir,
        };
        command.SetAction(parsed =>
        {
            float minimum = parsed.GetValue(threshold);
            if (!(minimum is > 0 and < 1)) // NaN included
                throw new LeanNetsUsageException($"--threshold must be in (0, 1), got {minimum}");
            var chosen = parsed.GetResult(engine) is { Implicit: false } ? parsed.GetValue(engine) : (EngineKind?)null;
            // Usage first (exit 2), then the files (exit 1).
            var source = ModelReference.Resolve(parsed.GetValue(model)!, parsed.GetValue(weights),
                torchSharp: chosen == EngineKind.TorchSharp);
            if (!source.IsDetector && !source.IsOnnx)
                throw new LeanNetsUsageException(
                    $"{source.File ?? source.Name} is a classifier ({source.Name}): 'leannets predict' classifies "
                        + "images");
            var paths = ModelSource.Pictures(parsed, images);
            foreach (string p in paths.Where(p => !File.Exists(p)))
                throw new LeanNetsException($"{p}: no such image");
            using var detector = Open(source, parsed.GetValue(size), minimum, chosen);
            string folder = parsed.GetValue(dir)!;
            var records = new List<object>();
            // All or nothing: the pictures and detections.json appear together, or the folder is left as it was.
            AtomicDirectory.Write(folder, Json, temp =>
            {
                foreach (string path in paths)
                {
                    var found = detector.Detect(path);
                    string name = Path.GetFileNameWithoutExtension(path) + ".png", drawn = Path.Combine(folder, name);
                    DetectionImage.Write(path, found, detector.ClassNames, Path.Combine(temp, name));
                    output.WriteLine($"{path}: {found.Count} objects -> {drawn}");
                    foreach (var d in found)
                    {
                        output.WriteLine(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"  {detector.ClassNames[d.Class],-12} {d.Score,6:P1}  "
                                    + $"{d.Box.X1:F0},{d.Box.Y1:F0}-{d.Box.X2:F0},{d.Box.Y2:F0}"
                            )
                        );
                    }
                    records.Add(new
                    {
                        image = path,
                        objects = found.Select(d => new
                        {
                            @class = detector.ClassNames[d.Class],
                            score = d.Score,
                            box = new[] { d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2 },
                        }),
                    });
                }
                AtomicFile.WriteAllText(Path.Combine(temp, Json), JsonFile.Serialize(records));
            });
            return LeanNetsCli.Success;
        });
        return command;
    }

    private const string Json = "detections.json";

    private static ObjectDetector Open(ModelReference source, int? size, float threshold, EngineKind? engine)
    {
        if (source.OnnxFile is string file)
            return ObjectDetector.FromOnnxFile(file, size, threshold);
        return ObjectDetector.Load(source.Name, source.Weights ?? throw new LeanNetsUsageException(
            $"--weights is required with a detector name (or give a detector's weight or .onnx file)"), size,
            threshold, engine ?? EngineKind.TorchSharp);
    }
}
