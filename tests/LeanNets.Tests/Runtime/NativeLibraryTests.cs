using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Runtime;

public class NativeLibraryTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        using var a = arange(6, dtype: float32).view(2, 3);
        using var b = a.matmul(a.t());
        Assert.Equal(new float[] { 5, 14, 14, 50 }, b.data<float>().ToArray());
    }

    [Fact]
    public void RuntimeSetupTunesTheAllocatorAndThreads()
    {
        Assert.True(NativeAllocator.IsTuned);
        Assert.NotNull(LeanRuntime.Current);
        Assert.Equal(EngineThreads.Default, torch.get_num_threads());
    }

    [Fact]
    public void RuntimeRejectsNegativeThreads() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LeanRuntime.Initialize(new RuntimeOptions(Threads: -1)));

    [Fact]
    public void SeedingRepeatsRandomStreams()
    {
        LeanRuntime.Initialize(new RuntimeOptions(Seed: 7));
        using var first = randn(5);
        LeanRuntime.Initialize(new RuntimeOptions(Seed: 7));
        using var second = randn(5);
        LeanRuntime.Initialize(new RuntimeOptions(Seed: 1234));
        Assert.Equal(first.data<float>().ToArray(), second.data<float>().ToArray());
    }
}
