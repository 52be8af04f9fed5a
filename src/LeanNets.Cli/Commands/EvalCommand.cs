using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Data;
using LeanNets.Reports;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets eval MODEL --checkpoint F --data DIR`: top-1/top-5, per class, confusion matrix, speed.</summary>
public static class EvalCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "registry name the checkpoint was trained as" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint file (last.ckpt or best.ckpt of a run)", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder (its test split is used)", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "images per batch", DefaultValueFactory = _ => 256 };
        var limit = new Option<int>("--limit") { Description = "evaluate only the first N images (0 = all)" };
        var dir = new Option<string?>("--output") { Description = "where eval.json and confusion.png go (default: next to the checkpoint)" };
        var command = new Command("eval", "Evaluate a trained checkpoint on a dataset's test split") { model, checkpoint, data, batch, limit, dir };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(checkpoint)!;
            string folder = parsed.GetValue(data)!;
            var format = DataSource.Detect(folder);
            var test = DataSource.Load(folder, train: false, limit: parsed.GetValue(limit), format: format);
            var (net, state) = ModelLoader.FromCheckpoint(path, parsed.GetValue(model), test);
            using var _ = net;
            if (state.Options.Classes is int trained && test.NumClasses != trained)
                throw new LeanNetsUsageException($"the data has {test.NumClasses} classes but the checkpoint was trained for {trained}");
            int size = state.Options.InputSize > 0 ? state.Options.InputSize : DataSource.DefaultSize(test);
            var loader = new BatchLoader(test, DataSource.Transform(format, false, size, 0, false), parsed.GetValue(batch), false, 0);
            var result = Evaluator.Evaluate(net, loader);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{state.Options.Model} on {result.Images} images: top-1 {100 * result.Top1:F2}%  top-5 {100 * result.Top5:F2}%  loss {result.Loss:F4}  {result.ImagesPerSecond:F0} img/s"));
            var table = new TextTable("class", "accuracy");
            table.RightAligned.Add(1);
            for (int c = 0; c < result.PerClassAccuracy.Length; c++)
                table.Add(result.ClassNames[c], (100 * result.PerClassAccuracy[c]).ToString("F2", CultureInfo.InvariantCulture) + "%");
            output.Write(table.ToText());
            string outDir = parsed.GetValue(dir) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
            ConfusionMatrixImage.Save(Path.Combine(outDir, "confusion.png"), result.Confusion, result.ClassNames);
            JsonFile.Write(Path.Combine(outDir, "eval.json"), new
            {
                model = state.Options.Model, checkpoint = path, data = folder, images = result.Images, top1 = result.Top1, top5 = result.Top5,
                loss = result.Loss, images_per_second = result.ImagesPerSecond,
                per_class = result.ClassNames.Zip(result.PerClassAccuracy).ToDictionary(p => p.First, p => p.Second),
            });
            output.WriteLine($"wrote {Path.Combine(outDir, "eval.json")} and confusion.png");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
