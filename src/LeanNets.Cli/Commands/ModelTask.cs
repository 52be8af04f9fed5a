using LeanNets.Models.Detection;

namespace LeanNets.Cli.Commands;

/// <summary>What `train` and `eval` work on: a classifier or a detector.</summary>
public enum ModelTask
{
    Classify,
    Detect,
}

public static class ModelTasks
{
    /// <summary>The task a model name implies, checked against an explicit --task.</summary>
    public static bool IsDetector(string name, ModelTask? asked)
    {
        bool detector = DetectorRegistry.Contains(name);
        RequireAgrees(name, detector, asked);
        return detector;
    }

    public static void RequireAgrees(string name, bool detector, ModelTask? asked)
    {
        if (asked is ModelTask task && task == ModelTask.Detect != detector)
            throw new LeanNetsUsageException(
                detector
                    ? $"{name} is a detector: use --task detect (or no --task)"
                    : $"{name} is not a detector (detectors: "
                        + $"{string.Join(", ", DetectorRegistry.List().Select(d => d.Name))})"
            );
    }
}
