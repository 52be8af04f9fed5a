
namespace LeanNets.Cli.Commands;

/// <summary>What `train` and `eval` work on: a classifier or a detector (the model card's task names).</summary>
public enum ModelTask
{
    Classify,
    Detect,
}

public static class ModelTasks
{
    /// <summary>The task's name as model cards and the library write it.</summary>
    public static string? Name(ModelTask? task) => task?.ToString().ToLowerInvariant();
}
