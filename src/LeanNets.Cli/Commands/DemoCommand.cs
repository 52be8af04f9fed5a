using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Data;
using LeanNets.Reports;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets demo`: a few minutes of VGNet training on Fashion-MNIST, with its report.</summary>
public static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<string>("--model")
        {
            Description = "model to train",
            DefaultValueFactory = _ => "vgnetg_1_0mp_cifar",
        };
        var epochs = new Option<int?>("--epochs")
        {
            Description = "epochs (default 4 on the full set, 5 on the bundled subset)",
        };
        var dir = new Option<string?>("--output") { Description = "run directory (default runs/demo-TIME)" };
        var command = new Command(
            "demo",
            "Train and evaluate a VGNet on Fashion-MNIST in a few minutes; writes a report"
        )
        {
            model,
            epochs,
            dir,
        };
        command.SetAction(parsed =>
        {
            var data = BundledData.FashionMnist();
            output.WriteLine(
                data.IsFullSet
                    ? $"data: {data.Folder} (full Fashion-MNIST; the demo trains on its first 12,000 images and "
                      + $"tests on all)"
                    : $"data: {data.Folder} (the bundled 6,000-image subset)"
            );
            var options = Recipes.Apply(
                "fashion-mnist",
                new TrainOptions
                {
                    Model = parsed.GetValue(model)!,
                    Data = data.Folder,
                    BatchSize = 128,
                }
            ) with
            {
                Epochs = parsed.GetValue(epochs) ?? (data.IsFullSet ? 4 : 5),
                LimitTrain = data.IsFullSet ? 12_000 : 0,
            };
            string runDir = parsed.GetValue(dir) ?? Trainer.DefaultRunDirectory("demo");
            var progress = new ConsoleProgress(
                output,
                interactive: output == Console.Out && !Console.IsOutputRedirected
            );
            var tensorBoard = new TensorBoardLog();
            var result = Trainer.Run(options, runDir, [progress, new RunReport(), tensorBoard]);
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"demo: {options.Model} reached {100 * result.FinalEval.Score:F2}% test top-1 "
                    + $"({((EvalResult)result.FinalEval.Details).Images} test images) after {options.Epochs} epochs"
                )
            );
            output.WriteLine($"report: {Path.GetFullPath(Path.Combine(result.RunDirectory, RunReport.Page))}");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
