namespace LeanNets.Models;

/// <summary>Creates any LeanNets model by name, like timm's create_model.</summary>
public static class ModelRegistry
{
    /// <summary>The most classes a model may have (a bound that keeps a typo from allocating gigabytes).</summary>
    public const int MaxClasses = 100_000;

    private static readonly Lazy<IReadOnlyDictionary<string, ModelSpec>> Entries = new(() =>
    {
        var all = ModelFamilies.All().ToList();
        var duplicate = all.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
            throw new InvalidOperationException($"model '{duplicate.Key}' is registered twice");
        return all.ToDictionary(s => s.Name);
    });

    /// <summary>Every registered configuration, in registration order grouped by family.</summary>
    public static IReadOnlyList<ModelSpec> List() => Entries.Value.Values.ToList();

    /// <summary>The entries of one family and/or one paper (null: any).</summary>
    public static IReadOnlyList<ModelSpec> List(ModelFamily? family, Paper? paper) =>
        Entries
            .Value.Values.Where(s => (family == null || s.Family == family) && (paper == null || s.Paper == paper))
            .ToList();

    public static bool Contains(string name) => Entries.Value.ContainsKey(name);

    /// <summary>The entry for <paramref name="name"/>, or an error listing the closest names.</summary>
    public static ModelSpec Get(string name)
    {
        if (Entries.Value.TryGetValue(name, out var spec))
            return spec;
        var closest = ClosestNames(name, 5);
        throw new LeanNetsUsageException(
            $"unknown model '{name}'; closest: {string.Join(", ", closest)} (see 'leannets models')"
        );
    }

    /// <summary>
    /// Creates a model with the given classes and input channels (defaults: the configuration's own), initialised
    /// once here for every family.
    /// </summary>
    public static Classifier Create(string name, int? numClasses = null, int? inChannels = null)
    {
        var spec = Get(name);
        Bounds.Require(numClasses is null or (> 0 and <= MaxClasses), "number of classes", numClasses ?? 0,
            $"1..{MaxClasses}");
        Bounds.Require(inChannels is null or (> 0 and <= InputShape.MaxChannels), "input channels", inChannels ?? 0,
            $"1..{InputShape.MaxChannels}");
        return spec.Create(
            new ModelOptions(numClasses ?? spec.DefaultClasses, inChannels ?? spec.DefaultInput.Channels)
        );
    }

    public static IReadOnlyList<string> ClosestNames(string name, int count)
    {
        string query = name.ToLowerInvariant();
        // Detectors too: a user who mistypes one sees it suggested wherever a model name is asked for.
        return Entries
            .Value.Keys.Concat(Detection.DetectorRegistry.List().Select(d => d.Name))
            .OrderBy(k => k.Contains(query, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(k => EditDistance(query, k))
            .ThenBy(k => k, StringComparer.Ordinal)
            .Take(count)
            .ToList();
    }

    internal static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
