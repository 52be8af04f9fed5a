namespace LeanNets.Models;

/// <summary>The builder a registry entry comes from (one file per family).</summary>
public enum ModelFamily
{
    VGNet,
    ResNet,
    MobileNetV2,
    MobileNetV1,
    Vgg,
    MobileNetV3,
    ShuffleNetV2,
    GhostNet,
    RegNet,
    Darknet,

    /// <summary>An architecture user code registered (<see cref="ModelRegistry.Register"/>).</summary>
    Custom,
}

/// <summary>Where a configuration comes from: one of the two papers, or a peer network they compare against.</summary>
public enum Paper
{
    VGNet,
    DualConv,
    Peer,

    /// <summary>A paper's convolution kinds in a network the paper did not test (e.g. DualConv in ResNet-18): rows
    /// beyond its tables, with no figure to reproduce.</summary>
    Beyond,

    /// <summary>Registered or composed (a detector on a chosen backbone) by user code, not from a paper.</summary>
    User,
}

/// <summary>The lower-case names the command line and the JSON use for families and papers.</summary>
public static class ModelNames
{
    public static string Id(this ModelFamily family) => family.ToString().ToLowerInvariant();

    public static string Id(this Paper paper) => paper.ToString().ToLowerInvariant();

    public static bool TryParseFamily(string text, out ModelFamily family) =>
        Enum.TryParse(text, ignoreCase: true, out family) && Enum.IsDefined(family);

    public static bool TryParsePaper(string text, out Paper paper) =>
        Enum.TryParse(text, ignoreCase: true, out paper) && Enum.IsDefined(paper);
}
