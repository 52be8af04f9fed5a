using LeanNets.Data;
using LeanNets.Models;
using LeanNets.Models.Detection;
using LeanNets.Training.Tasks;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>
/// The training tasks by name (a model card's task): which task a registry model trains as, each task's
/// defaults, and the task that runs given options. Adding a task means adding it here and its
/// <see cref="ITrainingTask"/>.
/// </summary>
public static class TrainingTasks
{
    public static readonly IReadOnlyList<string> Names = [ModelCard.Classify, ModelCard.Detect];

    /// <summary>The task a registry model trains as (detectors detect, the rest classify); an unknown name is a
    /// usage error with the closest names.</summary>
    public static string Of(string model)
    {
        if (DetectorRegistry.Contains(model))
            return ModelCard.Detect;
        ModelRegistry.Get(model);
        return ModelCard.Classify;
    }

    /// <summary>The task of <paramref name="model"/>, checked against the one asked for (null: none asked).
    /// </summary>
    public static string Of(string model, string? asked)
    {
        string task = Of(model);
        if (asked != null && asked != task)
            throw new LeanNetsUsageException(
                task == ModelCard.Detect
                    ? $"{model} is a detector: use --task detect (or no --task)"
                    : $"{model} is not a detector (detectors: "
                        + $"{string.Join(", ", DetectorRegistry.List().Select(d => d.Name))})"
            );
        return task;
    }

    /// <summary>A run of <paramref name="model"/> on <paramref name="data"/> with its task's defaults.</summary>
    public static TrainOptions Defaults(string model, string data) =>
        Of(model) == ModelCard.Detect
            ? DetectionTask.Defaults(model, data)
            : ClassificationTask.Defaults(model, data);

    /// <summary>The model of resolved options (a run's), with the registry's weight initialisation.</summary>
    public static nn.Module<Tensor, Tensor> CreateModel(TrainOptions options) =>
        Require(options) == ModelCard.Detect ? DetectionTask.Create(options) : ClassificationTask.Create(options);

    /// <summary>What a run's weights are: model, task, input, normalisation, classes (and a detector's anchors:
    /// <paramref name="model"/>'s when given, else the registry's).</summary>
    public static ModelCard Card(TrainOptions options, DataConfig input, IReadOnlyList<string> classNames,
        nn.Module? model = null)
    {
        if (Require(options) == ModelCard.Detect)
            return YoloV3.CardFor(options.Model, input.InputSize, classNames, (model as YoloV3)?.Anchors,
                new DetectorInput(input.Mean, input.Std));
        return new ModelCard(options.Model, ModelCard.Classify, new InputShape(input.Channels, input.InputSize,
            input.InputSize), input.Mean, input.Std, classNames);
    }

    /// <summary>Opens the task of <paramref name="options"/>: loads its data and resolves the options.</summary>
    internal static ITrainingTask Open(TrainOptions options) =>
        Require(options) == ModelCard.Detect ? new DetectionTask(options) : new ClassificationTask(options);

    /// <summary>The task of the options, checked against the model's.</summary>
    internal static string Require(TrainOptions options)
    {
        if (!Names.Contains(options.Task))
            throw new LeanNetsUsageException($"unknown task '{options.Task}'; tasks: {string.Join(", ", Names)}");
        string task = Of(options.Model);
        if (task != options.Task)
            throw new LeanNetsUsageException($"'{options.Model}' is a model to {task}, not to {options.Task}");
        if (task == ModelCard.Detect)
            DetectionTask.RefuseClassifierSettings(options);
        return task;
    }
}
