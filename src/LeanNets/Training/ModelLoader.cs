using LeanNets.Models;

namespace LeanNets.Training;

/// <summary>Rebuilds a trained model from its checkpoint (architecture from the saved options, then the
/// weights).</summary>
public static class ModelLoader
{
    /// <param name="data">where to take classes and input channels from when the checkpoint does not record them
    /// (runs that read them from their data before LeanNets saved them resolved).</param>
    public static (Classifier Model, TrainingState State) FromCheckpoint(
        string path,
        string? expectedModel = null,
        Data.IImageDataset? data = null
    )
    {
        var state = Checkpoint.ReadState(path);
        var o = state.Options;
        if (expectedModel != null && expectedModel != o.Model)
            throw new LeanNetsUsageException($"{path} holds a '{o.Model}', not a '{expectedModel}'");
        var model = ModelRegistry.Create(o.Model, o.Classes ?? data?.NumClasses, o.InChannels ?? data?.Channels);
        Checkpoint.Load(path, model);
        return (model, state);
    }
}
