namespace LeanNets.Models;

/// <summary>Creates any LeanNets model by name, like timm's create_model.</summary>
public static class ModelRegistry
{
    /// <summary>The most classes a model may have (a bound that keeps a typo from allocating gigabytes).</summary>
    public const int MaxClasses = 100_000;

    private static readonly Lazy<IReadOnlyDictionary<string, ModelSpec>> BuiltIn = new(() =>
    {
        var all = ModelFamilies.All().ToList();
        var duplicate = all.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
            throw new InvalidOperationException($"model '{duplicate.Key}' is registered twice");
        return all.ToDictionary(s => s.Name);
    });

    // Entries user code registered (Register), after the built-in ones; guarded by the lock.
    private static readonly List<ModelSpec> UserEntries = [];

    private static IEnumerable<ModelSpec> Entries()
    {
        lock (UserEntries)
            return [.. BuiltIn.Value.Values, .. UserEntries];
    }

    /// <summary>Every registered configuration, in registration order grouped by family; user entries last.</summary>
    public static IReadOnlyList<ModelSpec> List() => Entries().ToList();

    /// <summary>The entries of one family and/or one paper (null: any).</summary>
    public static IReadOnlyList<ModelSpec> List(ModelFamily? family, Paper? paper) =>
        Entries().Where(s => (family == null || s.Family == family) && (paper == null || s.Paper == paper)).ToList();

    public static bool Contains(string name) => TryGet(name) != null;

    /// <summary>
    /// Adds an architecture of the user's to the registry, so that everything that takes a registry name (the
    /// trainer, export, evaluation, the look-inside report) takes it too, and <see cref="Create(string, int?,
    /// int?)"/> gives it the registry's weight initialisation. Its family is <see cref="ModelFamily.Custom"/> and
    /// its paper <see cref="Paper.User"/>. A name already taken (a built-in model, a detector or another user
    /// entry) is refused. Disposing the result removes the entry.
    /// </summary>
    public static IDisposable Register(
        string name,
        Func<ModelOptions, Classifier> factory,
        InputShape defaultInput,
        int defaultClasses
    )
    {
        bool snakeCase =
            name.Length > 0 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
        if (!snakeCase)
            throw new LeanNetsUsageException($"model name '{name}' must be lower-case letters, digits and '_'");
        Bounds.Require(defaultClasses is > 0 and <= MaxClasses, "number of classes", defaultClasses,
            $"1..{MaxClasses}");
        var spec = new ModelSpec(name, ModelFamily.Custom, Paper.User, defaultInput, defaultClasses, factory);
        lock (UserEntries)
        {
            if (Contains(name) || Detection.DetectorRegistry.Contains(name))
                throw new LeanNetsUsageException($"model name '{name}' is taken: {Describe(name)}; choose another");
            UserEntries.Add(spec);
        }
        return new Registration(spec);
    }

    private static string Describe(string name) =>
        Detection.DetectorRegistry.Contains(name) ? "a registry detector"
        : BuiltIn.Value.ContainsKey(name) ? $"a registry {Get(name).Family.Id()} model"
        : "a model registered earlier";

    private sealed class Registration(ModelSpec spec) : IDisposable
    {
        // This registration's entry only: an equal spec registered again after it is another entry.
        public void Dispose()
        {
            lock (UserEntries)
                UserEntries.RemoveAll(s => ReferenceEquals(s, spec));
        }
    }

    private static ModelSpec? TryGet(string name)
    {
        if (BuiltIn.Value.TryGetValue(name, out var spec))
            return spec;
        lock (UserEntries)
            return UserEntries.FirstOrDefault(s => s.Name == name);
    }

    /// <summary>The entry for <paramref name="name"/>, or an error listing the closest names.</summary>
    public static ModelSpec Get(string name)
    {
        if (TryGet(name) is { } spec)
            return spec;
        // Suggesting the very name back ("unknown 'yolov3_w25'; closest: yolov3_w25") would only confuse.
        if (Detection.DetectorRegistry.Contains(name))
            throw new LeanNetsUsageException($"'{name}' is a detector; a classifier is needed here");
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
        return Entries()
            .Select(s => s.Name)
            .Concat(Detection.DetectorRegistry.List().Select(d => d.Name))
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
