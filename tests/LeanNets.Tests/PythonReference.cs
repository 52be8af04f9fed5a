namespace LeanNets.Tests;

/// <summary>
/// Debian's Python (with python3-torch, python3-torchvision, python3-onnx) as an independent reference. The
/// tests that use it skip on a developer machine without the packages and fail in CI, where scripts/test.sh
/// installs them.
/// </summary>
internal static class PythonReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Skips (or in CI fails) unless every module imports.</summary>
    public static void Require(params string[] modules)
    {
        bool present = File.Exists(Python) && Run("-c", $"import {string.Join(", ", modules)}").Code == 0;
        string packages = string.Join(", ", modules.Select(m => $"python3-{m}"));
        if (!present && Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            Assert.Fail($"{packages} required in CI (scripts/test.sh installs them)");
        Skip.IfNot(present, $"Debian's {packages} not installed: run scripts/test.sh as root");
    }

    /// <summary>Runs Debian's Python with these arguments; <c>PYTHONPATH</c> reaches the repository's python/
    /// folder (the PyTorch twin). The longest script (the twin over every model) takes about two minutes on a
    /// busy machine: five is the bound.</summary>
    public static (int Code, string Out, string Err) Run(params string[] arguments)
    {
        var start = ChildProcess.Start(
            Python,
            arguments,
            new Dictionary<string, string> { ["PYTHONPATH"] = Path.Combine(RepositoryRoot.Path, "python") }
        );
        var (code, output, error) = ChildProcess.Run(start, TimeSpan.FromMinutes(5));
        return (code, output, error);
    }
}
