namespace LeanNets.Models.DualConvPaper;

/// <summary>A MobileNetV1 or MobileNetV2 configuration: the table rows of both families differ only in these.</summary>
public sealed record MobileNetConfig
{
    public required string Prefix { get; init; }
    public double WidthMultiplier { get; init; } = 1.0;

    /// <summary>
    /// The 32x32 form: MobileNetV1 takes a stride-1 stem; MobileNetV2 becomes the CIFAR network the DualConv paper
    /// counts (1x1 stem with padding 1, biases on every conv, the 160-wide stage at stride 1;
    /// docs/paper-tables.md, "Rows that need the paper's own conventions").
    /// </summary>
    public bool Cifar { get; init; }

    /// <summary>Standard blocks, or the DualConv paper's replacement by Kind's conv + BN + activation.</summary>
    public ConvKind Kind { get; init; } = ConvKind.Standard;

    public string Name => Prefix + Kind.Suffix;
}
