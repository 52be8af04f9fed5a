using LeanNets.Models;

namespace LeanNets.Analysis;

/// <summary>A registry entry counted at its default input, with the paper row it reproduces.</summary>
public sealed record ModelSummary(
    string Name,
    string Task,
    string Family,
    string Paper,
    string Input,
    int Classes,
    long Params,
    long Macs,
    PaperFigure? PaperRow
)
{
    /// <summary>Summarises each entry from the shipped counts (<see cref="ModelCounts"/>); an entry the table
    /// lacks, or every entry when <paramref name="recount"/> is set, is built and profiled.</summary>
    public static IReadOnlyList<ModelSummary> Of(IEnumerable<CountedModel> models, bool recount = false) =>
        models.Select(m => Of(m, recount)).ToList();

    public static ModelSummary Of(CountedModel model, bool recount = false)
    {
        var counts = (recount ? null : ModelCounts.Shipped(model)) ?? ModelCounts.Count(model);
        return new ModelSummary(
            model.Name,
            model.Task,
            model.Family,
            model.Paper,
            model.DefaultInput.ToString(),
            model.DefaultClasses,
            counts.Params,
            counts.Macs,
            PaperFigures.For(model.Name, model.DefaultClasses)
        );
    }
}
