using LeanNets.Layers;

namespace LeanNets.Models;

/// <summary>Options every model takes, whatever its family.</summary>
public sealed record ModelOptions(int NumClasses = 1000, int InChannels = 3);

/// <summary>One registry entry: a named configuration of a family (timm's model "variant").</summary>
/// <param name="Name">snake_case registry name, e.g. "vgnetg_1_0mp".</param>
/// <param name="Family">The family the builder belongs to.</param>
/// <param name="Paper">Where the configuration comes from.</param>
/// <param name="DefaultInput">The input size the configuration is designed and counted at.</param>
/// <param name="DefaultClasses">The class count the papers report it with.</param>
/// <param name="Factory">Builds the architecture; <see cref="Create(ModelOptions)"/> adds the weight
/// initialisation.</param>
public sealed record ModelSpec(
    string Name,
    ModelFamily Family,
    Paper Paper,
    InputShape DefaultInput,
    int DefaultClasses,
    Func<ModelOptions, Classifier> Factory
)
{
    public ModelOptions DefaultOptions => new(DefaultClasses, DefaultInput.Channels);

    /// <summary>A fresh model with the registry's one weight initialisation (<see cref="WeightInit"/>).</summary>
    public Classifier Create(ModelOptions options) => WeightInit.Apply(Factory(options));

    public Classifier Create() => Create(DefaultOptions);
}
