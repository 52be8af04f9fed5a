using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Inference.Detection;
using LeanNets.Reports;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets eval MODEL --checkpoint F --data DIR`: top-1/top-5, per class, confusion matrix, speed; for a
/// detector (`--task detect`), VOC mAP@0.5 with the per-class AP table and precision-recall curves.</summary>
public static class EvalCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "registry name the checkpoint was trained as, or an ONNX file (float or int8)",
        };
        var checkpoint = ModelSource.WeightsOption("the trained model (e.g. best.ckpt of a run)");
        var data = new Option<string>("--data")
        {
            Description = "dataset folder (its test split is used)",
            Required = true,
        };
        var batch = new Option<int>("--batch-size")
        {
            Description = "images per batch",
            DefaultValueFactory = _ => 256,
        };
        var limit = new Option<int>("--limit") { Description = "evaluate only N images (0 = all)" };
        var skipBad = new Option<bool>("--skip-bad")
        {
            Description = "skip unreadable images (image folders), counting them",
        };
        var engine = new Option<Inference.EngineKind>("--engine")
        {
            Description = "torchsharp, or onnxruntime (runs the model's ONNX export)",
            DefaultValueFactory = _ => Inference.EngineKind.TorchSharp,
        };
        var dir = new Option<string?>("--output")
        {
            Description = "where eval.json and confusion.png (detectors: pr.png, eval.html) go (default: next to "
                + "the checkpoint)",
        };
        var task = new Option<ModelTask?>("--task") { Description = "classify or detect (default: what the model is)" };
        var split = new Option<string?>("--split")
        {
            Description = "detectors: the VOC split (default test, else val)",
        };
        var inputSize = new Option<int?>("--input-size")
        {
            Description = "detectors: letterboxed input side, a multiple of 32 (default: the trained one)",
        };
        var command = new Command("eval", "Evaluate a trained checkpoint on a dataset's test split")
        {
            model,
            checkpoint,
            data,
            batch,
            limit,
            skipBad,
            engine,
            dir,
            task,
            split,
            inputSize,
        };
        command.SetAction(parsed =>
        {
            string name = parsed.GetValue(model)!;
            bool onnx = OnnxMetadata.IsOnnxFile(name);
            if (onnx)
                OnnxMetadata.RefuseFileSettings(name, parsed.GetValue(checkpoint),
                    parsed.GetResult(engine) is { Implicit: false } && parsed.GetValue(engine) == EngineKind.TorchSharp,
                    parsed.GetResult(task) is { Implicit: false });
            string path = onnx
                ? name
                : parsed.GetValue(checkpoint)
                    ?? throw new LeanNetsUsageException("--checkpoint is required with a registry model name");
            Option[] detectorOnly = [split, inputSize], classifierOnly = [batch, limit, engine];
            bool detector = onnx
                ? OnnxMetadata.IsDetectorFile(name)
                : ModelTasks.IsDetector(name, parsed.GetValue(task));
            var misplaced = (detector ? classifierOnly : detectorOnly)
                .FirstOrDefault(o => parsed.GetResult(o) is { Implicit: false });
            if (misplaced != null)
                throw new LeanNetsUsageException(
                    $"{misplaced.Name} is for {(detector ? "classifiers" : "detectors")}; {name} is "
                        + (detector ? "a detector" : "a classifier")
                );
            string outDir = parsed.GetValue(dir) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (detector)
            {
                var request = new DetectionEvalRequest(name, path, [parsed.GetValue(data)!], parsed.GetValue(split),
                    parsed.GetValue(inputSize), parsed.GetValue(skipBad));
                return EvaluateDetector(DetectionEvaluation.Run(request), outDir, output);
            }
            var report = CheckpointEvaluation.Run(new EvalRequest(path, parsed.GetValue(data)!, onnx ? null : name,
                parsed.GetValue(batch), parsed.GetValue(limit), parsed.GetValue(skipBad),
                onnx ? EngineKind.OnnxRuntime : parsed.GetValue(engine)));
            var r = report.Result;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Model} on {r.Images} images: top-1 {100 * r.Top1:F2}%  top-5 {100 * r.Top5:F2}%  loss "
                    + $"{r.Loss:F4}  {r.ImagesPerSecond:F0} img/s"));
            if (report.SkippedImages > 0)
                output.WriteLine($"skipped {report.SkippedImages} unreadable images");
            var table = new TextTable("class", "accuracy");
            table.RightAligned.Add(1);
            for (int c = 0; c < r.PerClassAccuracy.Length; c++)
                table.Add(r.ClassNames[c], Units.Percent(r.PerClassAccuracy[c]));
            output.Write(table.ToText());
            EvalFiles.Write(report, outDir);
            output.WriteLine($"wrote {Path.Combine(outDir, EvalFiles.Json)} and {EvalFiles.Confusion}");
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static int EvaluateDetector(DetectionEvalReport report, string folder, TextWriter output)
    {
        var scores = report.Scores;
        var all = scores.Coco.AtThreshold;
        static string Figure(double value) => value >= 0 ? Units.Percent(value) : "-";
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{report.Model} on {report.Images} images (split '{report.Split}'): mAP@0.5 "
                    + $"{100 * scores.Voc07.Map:F1}% (VOC07 11-point) {100 * scores.Area.Map:F1}% (area), "
                    + $"COCO mAP@[.5:.95] {Figure(scores.Coco.Map)} mAP@0.5 {Figure(scores.Coco.Map50)} "
                    + $"(small {Figure(scores.Coco.MapSmall)}, medium {Figure(scores.Coco.MapMedium)}, large "
                    + $"{Figure(scores.Coco.MapLarge)}), at score {scores.Coco.ConfidenceThreshold:G2}: precision "
                    + $"{Units.Percent(all.Precision)} recall {Units.Percent(all.Recall)} F1 {Units.Percent(all.F1)}  "
                    + $"{report.ImagesPerSecond:F1} img/s"
            )
        );
        if (report.Skipped > 0)
            output.WriteLine($"skipped {report.Skipped} unreadable images, bad annotations or missing files");
        var table = new TextTable("class", "objects", "detections", "true pos.", "AP VOC07", "AP area",
            "AP@[.5:.95]");
        foreach (int c in new[] { 1, 2, 3, 4, 5, 6 })
            table.RightAligned.Add(c);
        foreach (var (v, a, k) in scores.Voc07.Classes.Zip(scores.Area.Classes, scores.Coco.Classes))
            table.Add(
                PrecisionRecallCurves.Name(report.ClassNames, v.Class),
                v.Objects.ToString(CultureInfo.InvariantCulture),
                v.Detections.ToString(CultureInfo.InvariantCulture),
                v.TruePositives.ToString(CultureInfo.InvariantCulture),
                v.Ap is double ap ? Units.Percent(ap) : "-",
                a.Ap is double area ? Units.Percent(area) : "-",
                k.Ap is double coco ? Units.Percent(coco) : "-"
            );
        output.Write(table.ToText());
        DetectionEvalFiles.Write(report, folder);
        output.WriteLine(
            $"wrote {Path.Combine(folder, DetectionEvalFiles.Json)}, {DetectionEvalFiles.PrCurves} and "
                + DetectionEvalFiles.Page
        );
        return LeanNetsCli.Success;
    }
}
