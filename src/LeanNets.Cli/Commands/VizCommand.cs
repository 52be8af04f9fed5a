using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Inference;
using LeanNets.Loading;
using LeanNets.Reports.Viz;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets viz report MODEL --image IMG... --out DIR`: the look-inside report (kernel atlas, design
/// advice, feature maps, Grad-CAM family), for one model or several side by side.</summary>
public static class VizCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "registry name (with --checkpoint: the name it was trained as)",
        };
        var checkpoint = ModelSource.WeightsOption("trained weights (default: the registry's initial weights)");
        var images = new Option<string[]>("--image")
        {
            Description = "image file(s) to explain (PNG, JPEG, ...); repeat the option or list several",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var compare = new Option<string[]>("--compare")
        {
            Description = "more models to show side by side: registry names or checkpoint files",
            AllowMultipleArgumentsPerToken = true,
        };
        var outDir = new Option<string>("--out")
        {
            Description = "report folder (index.html, viz.json, PNGs); replaced only if it holds an earlier report",
            DefaultValueFactory = _ => "viz",
        };
        var targetClass = new Option<int?>("--class")
        {
            Description = "class to explain (default: the top predictions)",
        };
        var top = new Option<int>("--top")
        {
            Description = "without --class: explain this many best predictions per image",
            DefaultValueFactory = _ => 2,
        };
        var stages = new Option<int[]>("--stages")
        {
            Description = "stages whose feature maps are drawn (negative from the end; default all)",
            AllowMultipleArgumentsPerToken = true,
        };
        var camStage = new Option<int>("--cam-stage")
        {
            Description = "stage Grad-CAM explains (negative from the end)",
            DefaultValueFactory = _ => -1,
        };
        var inputSize = new Option<int?>("--input-size")
        {
            Description = "input side (default: the model's or the run's)",
        };
        var maxKernels = new Option<int>("--max-kernels")
        {
            Description = "kernels classified per layer at most (evenly spaced)",
            DefaultValueFactory = _ => 1024,
        };
        var report = new Command("report", "Write an HTML report of what a model computes and has learned")
        {
            model,
            checkpoint,
            images,
            compare,
            outDir,
            targetClass,
            top,
            stages,
            camStage,
            inputSize,
            maxKernels,
        };
        report.SetAction(parsed =>
        {
            int? size = parsed.GetValue(inputSize);
            var subjects = new List<LoadedModel>();
            try
            {
                var others = (parsed.GetValue(compare) ?? []).Select(other => (other, (string?)null));
                foreach (var (name, weights) in others.Prepend((parsed.GetValue(model)!, parsed.GetValue(checkpoint))))
                {
                    var source = ModelReference.Resolve(name, weights).RequireTorch();
                    subjects.Add(LoadedModel.Open(source.Name, source.Weights, size));
                }
                var options = new VizOptions
                {
                    Images = parsed.GetValue(images) ?? [],
                    TargetClass = parsed.GetValue(targetClass),
                    TopClasses = parsed.GetValue(top),
                    FeatureStages = parsed.GetValue(stages) is { Length: > 0 } chosen ? chosen : null,
                    CamStage = parsed.GetValue(camStage),
                    MaxKernelsPerLayer = parsed.GetValue(maxKernels),
                };
                string folder = parsed.GetValue(outDir)!;
                var findings = VizReport.Write(subjects, options, folder, new LineProgress(output));
                foreach (var f in findings)
                    output.WriteLine(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"{f.Label}: {f.Layers.Count} spatial layers, {f.Advice.Count} layers with design advice, "
                                + $"{f.Images.Count} images"
                        )
                    );
                output.WriteLine($"report: {Path.Combine(Path.GetFullPath(folder), VizReport.PageName)}");
            }
            finally
            {
                foreach (var s in subjects)
                    s.Dispose();
            }
            return LeanNetsCli.Success;
        });
        return new Command("viz", "Look inside models: kernel atlas, feature maps, Grad-CAM") { report };
    }
}
