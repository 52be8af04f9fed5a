using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>A registry entry counted at its default input, with the paper row it reproduces.</summary>
public sealed record ModelSummary(
    string Name,
    ModelFamily Family,
    Paper Paper,
    string Input,
    int Classes,
    long Params,
    long Macs,
    PaperFigure? PaperRow
)
{
    /// <summary>Counts each entry (builds it once at its default options).</summary>
    public static IReadOnlyList<ModelSummary> Of(IEnumerable<ModelSpec> specs) => specs.Select(Of).ToList();

    public static ModelSummary Of(ModelSpec spec)
    {
        using var model = spec.Create();
        var profile = ModelProfiler.Profile(model, spec.DefaultInput.WithBatch(1), spec.Name);
        return new ModelSummary(
            spec.Name,
            spec.Family,
            spec.Paper,
            spec.DefaultInput.ToString(),
            spec.DefaultClasses,
            profile.Params,
            profile.Macs,
            PaperFigures.For(spec)
        );
    }
}
