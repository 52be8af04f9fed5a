using LeanNets.Analysis;
using LeanNets.Models;

namespace LeanNets.Tests.Analysis;

/// <summary>The shipped counts that `leannets models` prints are the profiler's, for every classifier and
/// detector: any change to a model that moves a count fails here until the table is regenerated with
/// <c>LEANNETS_WRITE_COUNTS=1 scripts/test.sh --filter ModelCountsTests</c>.</summary>
public class ModelCountsTests
{
    [Fact]
    public void TheShippedTableIsTheProfilers()
    {
        var all = CountedModel.All();
        var counted = all.Select(ModelCounts.Count).ToList();
        string path = RepositoryRoot.File("src", "LeanNets", "Resources", "model-counts.csv");
        if (Environment.GetEnvironmentVariable("LEANNETS_WRITE_COUNTS") == "1")
            File.WriteAllText(path, ModelCounts.Format(counted));
        var stale = all.Zip(counted)
            .Where(p => ModelCounts.Shipped(p.First) != p.Second)
            .Select(p => $"{p.First.Name}: shipped {ModelCounts.Shipped(p.First)}, profiled {p.Second}")
            .ToList();
        Assert.Empty(stale);
        Assert.Equal(File.ReadAllText(path), ModelCounts.Format(counted));
        Assert.Contains(all, m => m.Task == CountedModel.Detect);
    }
}
