using LeanNets.Interchange;
using LeanNets.Models;

namespace LeanNets.Training;

/// <summary>`train --init-from`: a run that starts from another file's weights.</summary>
public static class FineTuning
{
    /// <summary>
    /// Fine-tuning: loads every tensor of the file into a fresh model except a classifier for another number of
    /// classes, which keeps its new initialisation. Anything else that does not fit is an error.
    /// </summary>
    public static LoadReport InitializeFrom(Classifier model, string modelName, string path)
    {
        Classifier? trained = null;
        if (WeightFormats.FromExtension(path) == WeightFormat.Checkpoint)
            trained = ModelLoader.FromCheckpoint(path).Model;
        using var _ = trained;
        using var file = trained != null ? StateDict.Of(trained) : WeightFile.Read(path);
        var report = WeightLoader.Load(model, modelName, file, path, strict: false);
        var problems = report.Missing.Concat(report.Unexpected).Concat(report.Mismatched.Select(m => m.Name));
        var outsideHead = problems.Where(n => !n.StartsWith("head.fc.", StringComparison.Ordinal)).ToList();
        if (outsideHead.Count > 0 || report.Loaded == 0)
        {
            throw new LeanNetsException(
                $"{path} does not fit '{modelName}' beyond its classifier: {report.Describe()}"
            );
        }
        return report;
    }
}
