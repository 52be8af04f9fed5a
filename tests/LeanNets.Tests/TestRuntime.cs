using System.Runtime.CompilerServices;
using LeanNets.Runtime;

namespace LeanNets.Tests;

internal static class TestRuntime
{
    // Every test process goes through the same runtime setup as the CLI and benchmarks.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void Initialize() => LeanRuntime.Initialize(new RuntimeOptions(Seed: 1234));
#pragma warning restore CA2255
}
