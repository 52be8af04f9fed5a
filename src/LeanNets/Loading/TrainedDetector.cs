using LeanNets.Interchange;
using LeanNets.Models.Detection;
using LeanNets.Training;

namespace LeanNets.Loading;

/// <summary>A registry detector with trained weights and the names of the classes it finds.</summary>
public sealed class TrainedDetector : IDisposable
{
    private const string OutputWeight = "heads.0.output.weight";

    private TrainedDetector(YoloV3 model, IReadOnlyList<string> classNames, int? inputSize,
        DetectorInput normalisation) =>
        (Model, ClassNames, InputSize, Normalisation) = (model, classNames, inputSize, normalisation);

    public YoloV3 Model { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>How the weights' inputs are normalised (their card's, or the run's; RGB / 255 when neither says).
    /// </summary>
    public DetectorInput Normalisation { get; }

    /// <summary>The input side the weights were trained at (from their card or run), if known: evaluation,
    /// detection and export use it unless told otherwise.</summary>
    public int? InputSize { get; }

    /// <summary>The side to run at: the one asked for, else the trained one, else the registry's.</summary>
    public int SideFor(int? requested) => requested ?? InputSize ?? DetectorRegistry.DefaultInputSize;

    /// <summary>Registry detector <paramref name="modelName"/> with the weights of <paramref name="weights"/>
    /// (<see cref="Load"/>), or its initial weights when none is given: the detectors' counterpart of
    /// <see cref="LoadedModel.Open"/>.</summary>
    public static TrainedDetector Open(string modelName, string? weights)
    {
        if (weights != null)
            return Load(modelName, weights);
        var model = DetectorRegistry.Get(modelName).Create();
        model.eval();
        return new TrainedDetector(model, Models.ModelCard.Numbered(model.NumClasses), null, DetectorInput.Unit);
    }

    /// <summary>
    /// Weights from a detector run (its best.safetensors, or last.ckpt) or any weight file with LeanNets' names.
    /// The class count comes from the weights; the names and trained input size from the file's model card,
    /// else the run (classes.txt beside the weights), else "class 0", "class 1", ...
    /// </summary>
    public static TrainedDetector Load(string modelName, string weights)
    {
        var spec = DetectorRegistry.Get(modelName);
        string names = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weights))!, Trainer.ClassesFile);
        if (WeightFormats.FromExtension(weights) == WeightFormat.Checkpoint)
        {
            var state = Checkpoint.ReadState(weights);
            if (state.Options.Task != Models.ModelCard.Detect)
                throw new LeanNetsUsageException(
                    $"{weights} holds the classifier '{state.Options.Model}', not a detector");
            if (state.Options.Model != modelName)
                throw new LeanNetsUsageException($"{weights} is a run of '{state.Options.Model}', not '{modelName}'");
            var trained = spec.Create(state.Options.Classes, null, state.Options.Anchors);
            return Built(weights, trained, () => Checkpoint.LoadEvaluated(weights, trained, state),
                state.ClassNames ?? [], state.Options.InputSize,
                state.Card() is { } runCard ? DetectorInput.Of(runCard) : DetectorInput.Unit);
        }
        var card = WeightFile.ReadCard(weights);
        card?.Require(modelName, Models.ModelCard.Detect, weights);
        using var file = WeightFile.Read(weights);
        bool yolo = file.Tensors.TryGetValue(OutputWeight, out var output) && output.shape[0] % 3 == 0;
        if (!yolo || output!.shape[0] <= 15)
            throw new LeanNetsException($"{weights}: not the weights of a YOLO-V3 (no {OutputWeight})");
        int classes = (int)(output.shape[0] / 3) - 5;
        var classNames = card?.ClassNames
            ?? (File.Exists(names) ? File.ReadAllLines(names).Where(l => l.Length > 0).ToList() : []);
        if (classNames.Count != classes)
            classNames = Models.ModelCard.Numbered(classes);
        var model = spec.Create(classes, null, card?.Anchors);
        return Built(weights, model, () => WeightLoader.Load(model, modelName, file, weights), classNames,
            card?.Input.Height, card != null ? DetectorInput.Of(card) : DetectorInput.Unit);
    }

    private static TrainedDetector Built(string weights, YoloV3 model, Action load, IReadOnlyList<string> classNames,
        int? inputSize, DetectorInput normalisation)
    {
        try
        {
            load();
            FiniteWeights.Require(model, weights);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return new TrainedDetector(model, classNames, inputSize, normalisation);
    }

    /// <summary>True when the names are placeholders (no class list came with the weights).</summary>
    public bool UnnamedClasses => ClassNames.Select((n, i) => n == $"class {i}").All(x => x);

    public void Dispose() => Model.Dispose();
}
