using System.CommandLine;
using System.Globalization;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Loading;
using LeanNets.Models.Detection;
using Onnx;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets export MODEL [--checkpoint F] --onnx OUT`: an ONNX file ONNX Runtime (and `predict`) can
/// run, with the model's preprocessing and class names in its metadata.</summary>
public static class ExportCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "registry name, a classifier or a detector (with --checkpoint: the name it was trained as), "
                + "or a LeanNets weight file",
        };
        var checkpoint = ModelSource.WeightsOption("trained weights (default: initial weights)");
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset ({OnnxExportOptions.MinOpset}..{OnnxExportOptions.MaxOpset})",
            DefaultValueFactory = _ => OnnxExportOptions.DefaultOpset,
        };
        var batch = new Option<string>("--batch")
        {
            Description = "batch dimension: dynamic or a fixed size",
            DefaultValueFactory = _ => "dynamic",
        };
        var noFold = new Option<bool>("--no-fold")
        {
            Description = "keep BatchNormalization nodes (no folding into convs)",
        };
        var inputSize = new Option<int?>("--input-size")
        {
            Description = "input side (default: the model's or the run's)",
        };
        var nms = new Option<bool>("--nms")
        {
            Description = "detectors: decoding and non-maximum suppression in the graph (output: boxes, not raw "
                + "predictions)",
        };
        var defaults = new NmsSettings();
        var nmsScore = new Option<float>("--nms-score")
        {
            Description = "with --nms: the score a box needs to be kept",
            DefaultValueFactory = _ => defaults.ScoreThreshold,
        };
        var nmsIou = new Option<float>("--nms-iou")
        {
            Description = "with --nms: the overlap above which a box of a class is suppressed by a better one",
            DefaultValueFactory = _ => defaults.IouThreshold,
        };
        var nmsMax = new Option<int>("--nms-max")
        {
            Description = "with --nms: the most boxes kept per image",
            DefaultValueFactory = _ => defaults.MaxDetections,
        };
        var command = new Command("export", "Export a model to ONNX")
        {
            model,
            checkpoint,
            onnx,
            opset,
            batch,
            noFold,
            inputSize,
            nms,
            nmsScore,
            nmsIou,
            nmsMax,
        };
        command.SetAction(parsed =>
        {
            string batchText = parsed.GetValue(batch)!;
            int? fixedBatch = batchText == "dynamic" ? null
                : int.TryParse(batchText, NumberStyles.None, CultureInfo.InvariantCulture, out int b) && b > 0 ? b
                : throw new LeanNetsUsageException(
                    $"--batch must be 'dynamic' or a positive integer, got '{batchText}'"
                );
            string path = parsed.GetValue(onnx)!;
            var source = ModelReference.Resolve(parsed.GetValue(model)!, parsed.GetValue(checkpoint)).RequireTorch();
            int opsetValue = parsed.GetValue(opset);
            bool fold = !parsed.GetValue(noFold);
            bool endToEnd = parsed.GetValue(nms);
            if (!endToEnd && new Option[] { nmsScore, nmsIou, nmsMax }.FirstOrDefault(o =>
                    parsed.GetResult(o) is { Implicit: false }) is { } stray)
                throw new LeanNetsUsageException($"{stray.Name} needs --nms");
            var settings = endToEnd
                ? new NmsSettings(parsed.GetValue(nmsScore), parsed.GetValue(nmsIou), parsed.GetValue(nmsMax))
                : null;
            var (proto, input) = ModelExport.Save(source.Name, source.Weights, parsed.GetValue(inputSize),
                new OnnxExportOptions(0, 0, opsetValue, fixedBatch, fold), path, settings);
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"wrote {path}: {proto.Graph.Node.Count} nodes, input {input} (batch {batchText}), opset "
                        + $"{opsetValue}, "
                        + $"{new FileInfo(path).Length / 1e6:F1} MB"
                )
            );
            return LeanNetsCli.Success;
        });
        return command;
    }
}
