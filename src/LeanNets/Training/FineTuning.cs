using LeanNets.Interchange;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>`train --init-from`: a run that starts from another file's weights.</summary>
public static class FineTuning
{
    /// <summary>
    /// Fine-tuning: loads every tensor of the file (PyTorch, safetensors or a LeanNets checkpoint of any task)
    /// into a fresh model, except those <paramref name="classDependent"/> names when they were trained for
    /// another number of classes: they keep their new initialisation. With <paramref name="backbone"/> (a detector
    /// on a classifier's stem and stages), a classifier's file starts the backbone: every backbone tensor must
    /// load, the file's classifier head is left out and the detector's heads keep their initialisation. Anything
    /// else that does not fit is an error.
    /// </summary>
    public static LoadReport InitializeFrom(nn.Module<Tensor, Tensor> model, string modelName, string path,
        Func<string, bool> classDependent, Func<string, bool>? backbone = null)
    {
        nn.Module<Tensor, Tensor>? trained = null;
        if (WeightFormats.FromExtension(path) == WeightFormat.Checkpoint)
            trained = Checkpoint.LoadModel(path).Model;
        using var _ = trained;
        using var file = trained != null ? StateDict.Of(trained)
            : OnnxWeights.IsOnnx(path) ? OnnxWeights.Map(path, model, modelName)
            : WeightFile.Read(path);
        var report = WeightLoader.Load(model, modelName, file, path, strict: false);
        var problems = report.Missing.Concat(report.Unexpected).Concat(report.Mismatched.Select(m => m.Name));
        bool fits = problems.All(classDependent) || IsBackboneStart(report, backbone);
        if (!fits || report.Loaded == 0)
        {
            throw new LeanNetsException(
                $"{path} does not fit '{modelName}' beyond its class-dependent outputs: {report.Describe()}"
            );
        }
        return report;
    }

    /// <summary>
    /// The normalisation a run's inputs take from where it starts, for every task: pretrained weights see inputs
    /// normalised as they were trained (ML.NET's ImageNet network takes 0..255 pixels minus a mean), not as the new
    /// data's format usually is. The options' own when recorded (a resume needs no starting file), else the card of
    /// the --init-from file when it describes <paramref name="channels"/> channels, with a note saying so; null
    /// when neither says (the task's own normalisation).
    /// </summary>
    public static (float[] Mean, float[] Std, string? Note)? StartingNormalisation(TrainOptions options,
        int channels)
    {
        if (options.Mean is { } mean && options.Std is { } std)
            return (mean, std, null);
        if (options.InitFrom is string init && File.Exists(init) && CardOf(init) is { } card
            && card.Input.Channels == channels)
            return (card.Mean, card.Std, $"normalisation from {Path.GetFileName(init)}'s card");
        return null;
    }

    /// <summary>The card of the weights a run starts from (a checkpoint's run, a LeanNets weight file's); null for
    /// files without one (torchvision's, ONNX).</summary>
    public static Models.ModelCard? CardOf(string path) =>
        WeightFormats.FromExtension(path) switch
        {
            WeightFormat.Checkpoint => Checkpoint.ReadState(path).Card(),
            WeightFormat.Onnx => null,
            _ => WeightFile.ReadCard(path),
        };

    /// <summary>True when the file was a classifier whose stem and stages are the model's backbone: the whole
    /// backbone loaded, and only the classifier's head is left over.</summary>
    private static bool IsBackboneStart(LoadReport report, Func<string, bool>? backbone) =>
        backbone != null
        && report.Mismatched.Count == 0
        && !report.Missing.Any(backbone)
        && report.Unexpected.All(Models.Classifier.IsHead);
}
