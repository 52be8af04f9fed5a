using LeanNets.Models;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>What `train` and `eval` work on: a classifier or a detector (the model card's task names).</summary>
public enum ModelTask
{
    Classify,
    Detect,
}

public static class ModelTasks
{
    /// <summary>The task a model name implies, checked against an explicit --task.</summary>
    public static bool IsDetector(string name, ModelTask? asked) =>
        TrainingTasks.Of(name, Name(asked)) == ModelCard.Detect;

    /// <summary>The task's name as model cards and the library write it.</summary>
    public static string? Name(ModelTask? task) => task?.ToString().ToLowerInvariant();
}
