using LeanNets.Measures;
using LeanNets.Models;

namespace LeanNets.Tests.Models;

/// <summary>The reference models against torchvision's exact counts and fvcore's MACs.</summary>
public class ReferenceModelTests
{
    [Theory]
    [InlineData("resnet18", 11_689_512, 1.819e9)]
    [InlineData("resnet34", 21_797_672, 3.671e9)]
    [InlineData("resnet50", 25_557_032, 4.089e9)]
    [InlineData("mobilenetv2_100", 3_504_872, 0.3008e9)]
    public void CountsEqualTorchvision(string name, long expectedParams, double fvcoreMacs)
    {
        using var model = ModelRegistry.Create(name);
        var p = ModelProfiler.Profile(model, [1, 3, 224, 224]);
        Assert.Equal(expectedParams, p.Params);
        Assert.InRange(p.Macs, fvcoreMacs * 0.99, fvcoreMacs * 1.01);
    }

    [Fact]
    public void ClassesAndChannelsChangeOnlyTheEnds()
    {
        // Fewer classes and one input channel: resnet50 loses 2048*990 + 990 in fc and 2*64*49 in conv1.
        using var model = ModelRegistry.Create("resnet50", numClasses: 10, inChannels: 1);
        Assert.Equal(25_557_032 - 2048 * 990 - 990 - 2 * 64 * 49, ModelProfiler.CountParams(model));
    }
}
