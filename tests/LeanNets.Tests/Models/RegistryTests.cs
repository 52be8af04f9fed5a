using LeanNets.Models;

namespace LeanNets.Tests.Models;

public class RegistryTests
{
    [Fact]
    public void UnknownNameListsClosestNames()
    {
        var e = Assert.Throws<LeanNetsUsageException>(() => ModelRegistry.Get("resnet05"));
        Assert.Contains("unknown model 'resnet05'", e.Message);
        Assert.Contains("resnet50", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void NamesAreSnakeCaseAndUnique()
    {
        var names = ModelRegistry.List().Select(s => s.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[a-z0-9_]+$", n));
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        Assert.Throws<LeanNetsUsageException>(() => ModelRegistry.Create("resnet50", numClasses: 0));
        Assert.Throws<LeanNetsUsageException>(() => ModelRegistry.Create("resnet50", inChannels: -3));
        Assert.Throws<LeanNetsUsageException>(() => InputShape.Parse("3x224"));
        Assert.Equal(new InputShape(1, 28, 28), InputShape.Parse("1x28x28"));
    }

    [Fact]
    public void EditDistanceIsLevenshtein()
    {
        Assert.Equal(3, ModelRegistry.EditDistance("kitten", "sitting"));
        Assert.Equal(0, ModelRegistry.EditDistance("vgnet", "vgnet"));
    }
}
