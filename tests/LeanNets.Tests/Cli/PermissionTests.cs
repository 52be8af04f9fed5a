using System.Diagnostics;

namespace LeanNets.Tests.Cli;

/// <summary>
/// Permission errors end in one line and exit 1. Root may write anywhere, so when the tests run as root (CI does)
/// the CLI runs as the unprivileged user nobody (setpriv) against folders only root may write or read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PermissionTests
{
    private static bool IsRoot => Environment.UserName == "root";

    private static (int Code, string Error) RunCli(params string[] args)
    {
        var start = new ProcessStartInfo(IsRoot ? "setpriv" : "dotnet");
        if (IsRoot)
        {
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet" })
                start.ArgumentList.Add(a);
            start.Environment["HOME"] = Path.GetTempPath();
            start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        }
        start.ArgumentList.Add(CliDll.Value);
        foreach (var a in args) start.ArgumentList.Add(a);
        var (code, _, error) = ChildProcess.Run(start, TimeSpan.FromMinutes(2));
        return (code, error);
    }

    /// <summary>The CLI the unprivileged user can reach: the test output itself when every parent folder lets others
    /// in, else a world-readable copy.</summary>
    private static readonly Lazy<string> CliDll = new(() =>
    {
        string dir = AppContext.BaseDirectory.TrimEnd('/');
        bool reachable = true;
        for (var d = new DirectoryInfo(dir); d != null; d = d.Parent)
            reachable &= (File.GetUnixFileMode(d.FullName) & UnixFileMode.OtherExecute) != 0;
        if (!IsRoot || reachable) return Path.Combine(dir, "LeanNets.Cli.dll");
        string copy = Path.Combine(Path.GetTempPath(), "leannets-cli-for-nobody");
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        return Path.Combine(copy, "LeanNets.Cli.dll");
    });

    [Fact]
    public void UnwritableAndUnreadablePathsAreOneLineFailures()
    {
        using var dir = new TempFolder();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        string locked = Path.Combine(dir.Path, "locked");
        Directory.CreateDirectory(locked);
        string data = Path.Combine(dir.Path, "data");
        Data.SyntheticData.WriteToyIdx(data, 8, 4);
        foreach (var path in Directory.EnumerateFileSystemEntries(data).Append(data))
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(Directory.Exists(path) ? "755" : "644", 8));
        string secret = Path.Combine(dir.Path, "secret.ckpt");
        File.WriteAllBytes(secret, [1, 2, 3]);
        // Others may enter but not write "locked"; "secret.ckpt" is readable by its owner only.
        File.SetUnixFileMode(locked, (UnixFileMode)Convert.ToInt32(IsRoot ? "755" : "555", 8));
        File.SetUnixFileMode(secret, (UnixFileMode)Convert.ToInt32(IsRoot ? "600" : "000", 8));

        var cases = new[]
        {
            new[] { "kernels", "vgnetg_1_0mp_cifar", "--layers", "1", "--output", Path.Combine(locked, "kernels") },
            ["train", "vgnetg_1_0mp_cifar", "--data", data, "--epochs", "1", "--output", Path.Combine(locked, "run")],
            ["eval", "vgnetg_1_0mp_cifar", "--checkpoint", secret, "--data", data],
        };
        foreach (var args in cases)
        {
            var (code, error) = RunCli(args);
            Assert.True(code == 1, $"{args[0]}: exit {code}: {error}");
            bool denied = error.StartsWith("leannets: error: permission denied", StringComparison.Ordinal);
            Assert.True(denied, $"{args[0]}: {error}");
            Assert.Single(error.TrimEnd().Split('\n'));
        }
        Assert.Empty(Directory.GetFileSystemEntries(locked));
    }
}
