using LeanNets.Models;

namespace LeanNets.Training;

/// <summary>Rebuilds a trained model from its checkpoint (architecture from the saved options, then the weights).</summary>
public static class ModelLoader
{
    public static (Classifier Model, TrainingState State) FromCheckpoint(string path, string? expectedModel = null)
    {
        var state = Checkpoint.ReadState(path);
        var o = state.Options;
        if (expectedModel != null && expectedModel != o.Model)
            throw new LeanNetsUsageException($"{path} holds a '{o.Model}', not a '{expectedModel}'");
        var model = ModelRegistry.Create(o.Model, o.Classes, o.InChannels);
        Checkpoint.Load(path, model);
        return (model, state);
    }
}
