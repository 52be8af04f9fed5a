using LeanNets.Data;
using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Training;

namespace LeanNets.Loading;

/// <summary>A model ready for inference or inspection: its weights, how its inputs are made (the data config of
/// its run), and its class names.</summary>
public sealed class LoadedModel(string label, Classifier model, DataConfig data, IReadOnlyList<string> classNames)
    : IDisposable
{
    public string Label { get; } = label;
    public Classifier Model { get; } = model;
    public DataConfig Data { get; } = data;
    public IReadOnlyList<string> ClassNames { get; } = classNames;

    /// <summary>True when <see cref="Data"/> is how the weights were trained (a run's or a model card's); false
    /// when it is the registry's guess for weights that came without one.</summary>
    public bool Recorded { get; private init; }

    /// <summary>The weights end at the features: the head was not trained with them (<see cref="ModelCard.Backbone"/>).
    /// </summary>
    public bool Backbone { get; private init; }

    /// <summary>What these weights are, as every file LeanNets writes records it.</summary>
    public ModelCard Card =>
        new(
            Model.GetName(),
            ModelCard.Classify,
            new InputShape(Data.Channels, Data.InputSize, Data.InputSize),
            Data.Mean,
            Data.Std,
            ClassNames
        )
        {
            Backbone = Backbone,
        };

    /// <summary>
    /// The one way a command opens a classifier: registry model <paramref name="name"/> with the weights of
    /// <paramref name="weights"/> (a run's checkpoint, a PyTorch or safetensors file: <see cref="FromCheckpoint"/>),
    /// or its initial weights when none is given; at <paramref name="inputSize"/> when asked.
    /// </summary>
    public static LoadedModel Open(string name, string? weights, int? inputSize = null)
    {
        if (inputSize is int size)
            Bounds.Require(size is >= 8 and <= InputShape.MaxSide, "input size", size, $"8..{InputShape.MaxSide}");
        return weights != null ? FromCheckpoint(weights, name, inputSize) : FromRegistry(name, inputSize);
    }

    /// <summary>A registry model with its initial weights, at its registry input size or
    /// <paramref name="inputSize"/>.</summary>
    public static LoadedModel FromRegistry(string name, int? inputSize = null)
    {
        var spec = ModelRegistry.Get(name);
        var input = spec.DefaultInput;
        if (inputSize is int size)
            input = input with { Height = size, Width = size };
        var model = spec.Create();
        return new LoadedModel(name, model, DataConfig.ForModel(input), Numbered(spec.DefaultClasses));
    }

    /// <summary>
    /// A trained model from any weight file: a run's checkpoint (its preprocessing and class names are the run's)
    /// or a PyTorch or safetensors file (<see cref="FromWeights"/>).
    /// </summary>
    public static LoadedModel FromCheckpoint(string path, string? expectedModel = null, int? inputSize = null)
    {
        if (WeightFormats.IsForeign(path))
        {
            return FromWeights(
                path,
                expectedModel ?? throw new LeanNetsUsageException($"{path}: name the model the weights are for"),
                inputSize
            );
        }
        var (model, state) = ClassifierFrom(path, expectedModel);
        Guard(model, () => FiniteWeights.Require(model, path));
        var o = state.Options;
        var data = state.Data ?? throw new LeanNetsException($"{path}: the run records no input configuration");
        if (inputSize is int size)
            data = data with { InputSize = size };
        string label = $"{o.Model} ({Path.GetFileName(path)})";
        return new LoadedModel(label, model, data, state.ClassNames ?? Numbered((int)model.NumClasses))
        {
            Recorded = true,
        };
    }

    /// <summary>The classifier a run's checkpoint holds, with the run's state; a detector's checkpoint is
    /// refused with what to run instead.</summary>
    public static (Classifier Model, TrainingState State) ClassifierFrom(string path, string? expectedModel = null)
    {
        var (model, state) = Checkpoint.LoadModel(path, expectedModel);
        if (model is Classifier classifier)
            return (classifier, state);
        model.Dispose();
        throw new LeanNetsUsageException(
            $"{path} holds the detector '{state.Options.Model}', not a classifier; use detect or eval --task detect");
    }

    /// <summary>A registry model with weights from a PyTorch or safetensors file (LeanNets' or torchvision's
    /// names), sized like the file. The file's model card (LeanNets writes one) gives the trained input size,
    /// normalisation and class names; a file without one (torchvision's) is made inputs as the registry model.
    /// </summary>
    public static LoadedModel FromWeights(string path, string name, int? inputSize = null)
    {
        var card = WeightFile.ReadCard(path);
        card?.Require(name, ModelCard.Classify, path);
        var (model, _) = WeightImport.CreateModel(path, name);
        Guard(model, () => FiniteWeights.Require(model, path));
        var data = card != null && card.Input.Channels == model.InChannels
            ? DataConfig.FromCard(card)
            : DataConfig.ForModel(ModelRegistry.Get(name).DefaultInput with { Channels = (int)model.InChannels });
        if (inputSize is int size)
            data = data with { InputSize = size };
        // A 1000-class ImageNet architecture with weights from elsewhere (torchvision's): ImageNet's labels.
        bool imageNet = model.NumClasses == ImageNetClasses.Count
            && ModelRegistry.Get(name).DefaultClasses == ImageNetClasses.Count;
        var classes = card != null && card.ClassNames.Count == model.NumClasses ? card.ClassNames
            : imageNet ? ImageNetClasses.Names
            : Numbered((int)model.NumClasses);
        return new LoadedModel($"{name} ({Path.GetFileName(path)})", model, data, classes)
        {
            Recorded = card != null && card.Input.Channels == model.InChannels,
            Backbone = card?.Backbone == true,
        };
    }

    private static IReadOnlyList<string> Numbered(int count) => ModelCard.Numbered(count);

    /// <summary>Runs a check on a model just built, disposing it when the check fails.</summary>
    private static void Guard(Classifier model, Action check)
    {
        try
        {
            check();
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose() => Model.Dispose();
}
