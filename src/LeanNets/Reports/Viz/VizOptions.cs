namespace LeanNets.Reports.Viz;

/// <summary>What a report shows.</summary>
public sealed record VizOptions
{
    /// <summary>Image files (PNG, JPEG, ...) to run the models on.</summary>
    public required IReadOnlyList<string> Images { get; init; }

    /// <summary>The class to explain in every image; null explains the <see cref="TopClasses"/> best predictions,
    /// one section each.</summary>
    public int? TargetClass { get; init; }

    public int TopClasses { get; init; } = 2;

    /// <summary>Stages whose feature maps are drawn (negative from the end); null for all.</summary>
    public IReadOnlyList<int>? FeatureStages { get; init; }

    /// <summary>The stage Grad-CAM weights (negative from the end).</summary>
    public int CamStage { get; init; } = -1;

    /// <summary>At most this many kernels are classified per layer (evenly spaced over the layer).</summary>
    public int MaxKernelsPerLayer { get; init; } = 1024;

    public const int MaxImages = 32;
}
