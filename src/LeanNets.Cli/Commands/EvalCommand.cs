using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Reports;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets eval MODEL --checkpoint F --data DIR`: top-1/top-5, per class, confusion matrix, speed.</summary>
public static class EvalCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "registry name the checkpoint was trained as" };
        var checkpoint = ModelSource.WeightsOption("the trained model (e.g. best.ckpt of a run)", required: true);
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
            Description = "where eval.json and confusion.png go (default: next to the checkpoint)",
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
        };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(checkpoint)!;
            var report = CheckpointEvaluation.Run(
                new EvalRequest(
                    path,
                    parsed.GetValue(data)!,
                    parsed.GetValue(model),
                    parsed.GetValue(batch),
                    parsed.GetValue(limit),
                    parsed.GetValue(skipBad),
                    parsed.GetValue(engine)
                )
            );
            var r = report.Result;
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{report.Model} on {r.Images} images: top-1 {100 * r.Top1:F2}%  top-5 {100 * r.Top5:F2}%  loss "
                    + $"{r.Loss:F4}  {r.ImagesPerSecond:F0} img/s"
                )
            );
            if (report.SkippedImages > 0)
                output.WriteLine($"skipped {report.SkippedImages} unreadable images");
            var table = new TextTable("class", "accuracy");
            table.RightAligned.Add(1);
            for (int c = 0; c < r.PerClassAccuracy.Length; c++)
                table.Add(r.ClassNames[c], Units.Percent(r.PerClassAccuracy[c]));
            output.Write(table.ToText());
            string outDir = parsed.GetValue(dir) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
            EvalFiles.Write(report, outDir);
            output.WriteLine($"wrote {Path.Combine(outDir, EvalFiles.Json)} and {EvalFiles.Confusion}");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
