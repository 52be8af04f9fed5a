using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Training;

namespace LeanNets.Loading;

/// <summary>
/// What a command's MODEL argument (with its <c>--weights</c>) names, resolved one way for every command: a
/// registry name (trained weights when given), a weight file LeanNets wrote given alone (a run's checkpoint, or a
/// .pth or .safetensors file with a model card: the file names its architecture and task), or an ONNX file (its
/// card; ONNX Runtime runs it without libtorch). Nothing is built here: the loader of the kind follows
/// (<see cref="LoadedModel.Open"/>, <see cref="TrainedDetector.Open"/>, an ONNX Runtime session).
/// </summary>
/// <param name="Name">the registry name (an ONNX file's card's).</param>
/// <param name="Task">what the model does, as model cards write it.</param>
/// <param name="Weights">the torch weight file, if any.</param>
/// <param name="OnnxFile">the ONNX file, when that is what was named.</param>
public sealed record ModelReference(string Name, string Task, string? Weights, string? OnnxFile)
{
    public bool IsDetector => Task == ModelCard.Detect;

    public bool IsOnnx => OnnxFile != null;

    /// <summary>The file the model comes from, if any (results go beside it by default).</summary>
    public string? File => OnnxFile ?? Weights;

    /// <summary>This reference, refused when it is an ONNX file: for the commands that need the weights in
    /// LeanNets' own form (export, kernels, viz).</summary>
    public ModelReference RequireTorch() =>
        IsOnnx
            ? throw new LeanNetsUsageException(
                $"{OnnxFile} is an ONNX file: this command needs the model's checkpoint or weights (the ONNX file "
                    + "runs in predict, detect, eval, bench and quantize)")
            : this;

    /// <summary>Resolves <paramref name="model"/> (a registry name or a file) with the weights and task asked for;
    /// a task or weights the file contradicts or makes redundant is refused in one line.</summary>
    /// <param name="torchSharp">the TorchSharp engine was asked for (an ONNX file refuses it).</param>
    public static ModelReference Resolve(string model, string? weights = null, string? task = null,
        bool torchSharp = false)
    {
        if (OnnxMetadata.IsOnnxFile(model))
        {
            OnnxMetadata.RefuseFileSettings(model, weights, torchSharp, task != null);
            var card = OnnxModelFile.Read(model).Card;
            return new ModelReference(card.Model, card.Task, null, model);
        }
        if (WeightFormats.IsWeightFile(model))
        {
            if (weights != null)
                throw new LeanNetsUsageException(
                    $"{model} is a weight file: give it as the model or as --weights {weights}, not both");
            var (name, held) = Describe(model);
            if (task != null && task != held)
                throw new LeanNetsUsageException(
                    $"--task {task} contradicts {model}, which holds {name} (task {held})");
            return new ModelReference(name, held, model, null);
        }
        return new ModelReference(model, TrainingTasks.Of(model, task), weights, null);
    }

    /// <summary>The architecture and task a LeanNets weight file records: a checkpoint's run, another file's card.
    /// </summary>
    private static (string Name, string Task) Describe(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new LeanNetsException($"weight file not found: {path}");
        if (WeightFormats.FromExtension(path) == WeightFormat.Checkpoint)
        {
            var options = Checkpoint.ReadState(path).Options;
            return (options.Model, options.Task);
        }
        var card = WeightFile.ReadCard(path)
            ?? throw new LeanNetsUsageException(
                $"{path} has no LeanNets model card (not written by LeanNets): name the model it is for, as "
                    + $"'MODEL --weights {path}'");
        return (card.Model, card.Task);
    }
}
