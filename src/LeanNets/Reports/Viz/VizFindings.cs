using LeanNets.Analysis.Kernels;
using LeanNets.Inference;

namespace LeanNets.Reports.Viz;

/// <summary>What a report found for one model (also written as viz.json); file names are relative to the
/// report folder.</summary>
public sealed record SubjectFindings(
    string Label,
    string Model,
    string Input,
    long Params,
    long Macs,
    string? DepthPlot,
    IReadOnlyList<LayerFindings> Layers,
    IReadOnlyList<LayerAdvice> Advice,
    IReadOnlyList<ImageFindings> Images
);

/// <param name="Shares">the fraction of the layer's kernels of each type, by type label.</param>
/// <param name="MeanSigma">the mean fitted sigma of the Gaussian-like kernels (null if none).</param>
public sealed record LayerFindings(
    string Name,
    string Kind,
    int Depth,
    int Kernels,
    IReadOnlyDictionary<string, double> Shares,
    double? MeanSigma,
    string GridFile,
    string HistogramFile
);

/// <param name="SimilarToPrevious">the share of this stage's channels whose best cosine similarity to a channel
/// of the previous stage exceeds 0.9 (0 for the first stage).</param>
/// <param name="SimilarWithin">the same within the stage.</param>
public sealed record StageFindings(string Stage, string File, double SimilarToPrevious, double SimilarWithin);

/// <param name="Score">the class logit.</param>
public sealed record ClassAttribution(
    int Class,
    string Name,
    double Score,
    string GradCamFile,
    string GradCamPlusPlusFile,
    string GuidedBackpropFile,
    string GuidedGradCamFile
)
{
    /// <summary>What the reader should know about the Grad-CAM map (all zero; too coarse to place anything);
    /// null when nothing.</summary>
    public string? Note { get; init; }
}

public sealed record ImageFindings(
    string Image,
    string InputFile,
    IReadOnlyList<Prediction> Top5,
    IReadOnlyList<StageFindings> Stages,
    IReadOnlyList<ClassAttribution> Attributions
);
