using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LeanNets.Inference;
using LeanNets.Loading;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets predict MODEL|FILE.onnx [--checkpoint F] IMAGE...`: top classes per image, with TorchSharp
/// or ONNX Runtime.</summary>
public static class PredictCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "registry name, or an ONNX file exported by LeanNets",
        };
        var images = new Argument<string[]>("images") { Description = "image files", Arity = ArgumentArity.OneOrMore };
        var checkpoint = ModelSource.WeightsOption("trained weights (registry models)");
        var engine = new Option<EngineKind>("--engine")
        {
            Description = "torchsharp or onnxruntime (an .onnx file always runs on onnxruntime)",
            DefaultValueFactory = _ => EngineKind.TorchSharp,
        };
        var top = new Option<int>("--top") { Description = "classes shown per image", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print the predictions as JSON (full precision)" };
        var command = new Command("predict", "Classify images with a model or an exported ONNX file")
        {
            model,
            images,
            checkpoint,
            engine,
            top,
            json,
        };
        command.SetAction(parsed =>
        {
            bool torchSharp = parsed.GetResult(engine) is { Implicit: false }
                && parsed.GetValue(engine) == EngineKind.TorchSharp;
            var source = ModelReference.Resolve(parsed.GetValue(model)!, parsed.GetValue(checkpoint),
                torchSharp: torchSharp);
            var files = ModelSource.Pictures(parsed, images);
            if (source.OnnxFile == null && source.IsDetector)
                throw new LeanNetsUsageException(
                    $"{source.File ?? source.Name} is a detector ({source.Name}): it finds objects, it does not "
                        + $"classify images; run 'leannets detect'");
            using var classifier = source.OnnxFile is string file
                ? ImageClassifier.FromOnnxFile(file)
                : ImageClassifier.Load(source.Name, source.Weights, parsed.GetValue(engine));
            var predictions = classifier.Classify(files, parsed.GetValue(top));
            bool backbone = classifier.Card.Backbone;
            if (parsed.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(predictions, JsonOptions));
                return LeanNetsCli.Success;
            }
            if (backbone)
                output.WriteLine("note: these weights end at the features (the card says backbone): the classifier "
                    + "head is untrained, so the classes below mean nothing yet; fine-tune first (train MODEL "
                    + "--init-from FILE)");
            foreach (var p in predictions)
            {
                output.WriteLine(p.Image);
                foreach (var c in p.Top)
                    output.WriteLine(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"  {100 * c.Probability,6:F2}%  {c.Class,5}  {c.Name}"
                        )
                    );
            }
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
