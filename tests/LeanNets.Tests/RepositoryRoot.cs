namespace LeanNets.Tests;

/// <summary>The checkout the tests run from (the folder holding LeanNets.slnx).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "LeanNets.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("the tests must run inside the LeanNets checkout");
    }
}
