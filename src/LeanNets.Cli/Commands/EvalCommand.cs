using System.CommandLine;
using LeanNets.Inference;
using LeanNets.Inference.Detection;
using LeanNets.Loading;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets eval MODEL --checkpoint F --data DIR`: top-1/top-5, per class, confusion matrix, speed; for a
/// detector (`--task detect`), VOC mAP@0.5 with the per-class AP table and precision-recall curves.</summary>
public static class EvalCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "registry name the checkpoint was trained as, a LeanNets weight file, or an ONNX file "
                + "(float or int8)",
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
            bool torchSharp = parsed.GetResult(engine) is { Implicit: false }
                && parsed.GetValue(engine) == EngineKind.TorchSharp;
            var source = ModelReference.Resolve(parsed.GetValue(model)!, parsed.GetValue(checkpoint),
                ModelTasks.Name(parsed.GetValue(task)), torchSharp);
            bool onnx = source.IsOnnx, detector = source.IsDetector;
            string name = source.OnnxFile ?? source.Name;
            string path = source.File
                ?? throw new LeanNetsUsageException("--checkpoint is required with a registry model name");
            Option[] detectorOnly = [split, inputSize], classifierOnly = [batch, limit, engine];
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
                return EvalOutput.Detector(DetectionEvaluation.Run(request), outDir, output);
            }
            var report = CheckpointEvaluation.Run(new EvalRequest(path, parsed.GetValue(data)!, onnx ? null : name,
                parsed.GetValue(batch), parsed.GetValue(limit), parsed.GetValue(skipBad),
                onnx ? EngineKind.OnnxRuntime : parsed.GetValue(engine)));
            EvalOutput.Classifier(report, outDir, output);
            return LeanNetsCli.Success;
        });
        return command;
    }
}
