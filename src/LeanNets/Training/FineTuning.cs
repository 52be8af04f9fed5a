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
