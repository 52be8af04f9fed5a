namespace LeanNets.Data;

/// <summary>
/// Finds Fashion-MNIST for the demo and tests: $LEANNETS_DATA, else the full set next to the checkout
/// (../shared/data/fashion-mnist), else the 6,000-image subset the repository ships (data/fashion-mnist-mini).
/// </summary>
public static class BundledData
{
    public const string EnvironmentVariable = "LEANNETS_DATA";

    public sealed record Location(string Folder, bool IsFullSet);

    public static Location FashionMnist()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            if (!Directory.Exists(env))
                throw new LeanNetsException($"{EnvironmentVariable}={env} is not a folder");
            return new Location(env, true);
        }
        string? mini = null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string full = Path.Combine(dir.FullName, "..", "shared", "data", "fashion-mnist");
                if (File.Exists(Path.Combine(dir.FullName, "LeanNets.slnx")) && Directory.Exists(full))
                    return new Location(Path.GetFullPath(full), true);
                string bundled = Path.Combine(dir.FullName, "data", "fashion-mnist-mini");
                if (mini == null && Directory.Exists(bundled))
                    mini = bundled;
            }
        }
        return mini != null
            ? new Location(mini, false)
            : throw new LeanNetsException(
                $"no Fashion-MNIST found: set {EnvironmentVariable} or run from the LeanNets checkout"
            );
    }
}
