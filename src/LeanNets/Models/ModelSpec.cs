namespace LeanNets.Models;

/// <summary>Options every model takes, whatever its family.</summary>
public sealed record ModelOptions(int NumClasses = 1000, int InChannels = 3);

/// <summary>One registry entry: a named configuration of a family (timm's model "variant").</summary>
/// <param name="Name">snake_case registry name, e.g. "vgnetg_1_0mp".</param>
/// <param name="Family">The family ("vgnet", "resnet", "mobilenetv2", ...).</param>
/// <param name="Paper">Where the configuration comes from: "vgnet", "dualconv" or "peer".</param>
/// <param name="DefaultInput">The input size the configuration is designed and counted at.</param>
/// <param name="DefaultClasses">The class count the papers report it with.</param>
/// <param name="Build">Creates a fresh, randomly initialised instance.</param>
/// <param name="PaperName">The row label in the paper's tables, when the model is one of them.</param>
/// <param name="PaperAlias">The label the other paper gives the same network ("MobileNet V1×1.0" for "MobileNetV1").</param>
public sealed record ModelSpec(string Name, string Family, string Paper, InputShape DefaultInput, int DefaultClasses,
    Func<ModelOptions, Classifier> Build, string? PaperName = null, string? PaperAlias = null)
{
    public ModelOptions DefaultOptions => new(DefaultClasses, DefaultInput.Channels);

    public bool IsPaperRow(string label) => label == PaperName || label == PaperAlias;
}
