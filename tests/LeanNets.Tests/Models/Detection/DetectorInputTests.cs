using LeanNets.Data.Detection;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Tests.Models.Detection;

/// <summary>A detector's normalisation: the same values on every path (batches with and without augmentation,
/// one picture at a time), and bad settings refused.</summary>
public class DetectorInputTests
{
    private static readonly DetectorInput Pretrained = new([0.48f, 0.45f, 0.40f], [0.23f, 0.22f, 0.25f]);

    [Fact]
    public void NormalisesEachChannelAndLeavesUnitInputsAsTheyAre()
    {
        byte[] pixels = [0, 128, 255, 10, 20, 30];
        var values = Pretrained.FromPixels(pixels);
        for (int i = 0; i < pixels.Length; i++)
        {
            int c = i / 2;
            Assert.Equal((pixels[i] / 255.0 - Pretrained.Mean[c]) / Pretrained.Std[c], values[i], 1e-5);
        }
        Assert.Equal(pixels.Select(p => p / 255f), DetectorInput.Unit.FromPixels(pixels));
        Assert.Throws<LeanNetsUsageException>(() => new DetectorInput([0], [1]));
        Assert.Throws<LeanNetsUsageException>(() => new DetectorInput([0, 0, 0], [1, 0, 1]));
        Assert.Throws<LeanNetsUsageException>(() => new DetectorInput([0, float.NaN, 0], [1, 1, 1]));
    }

    /// <summary>Batches (evaluation and augmented training alike) are the unit batches normalised.</summary>
    [Fact]
    public void BatchesAreTheUnitBatchesNormalised()
    {
        using var dir = new TempFolder();
        SyntheticShapes.Write(dir.File("voc"), 4, "train", 64, seed: 3);
        var data = VocDataset.Load([dir.File("voc")], "train");
        var unit = new DetectionBatches(data, 64);
        var normalised = new DetectionBatches(data, 64, input: Pretrained);
        using var mean = tensor(Pretrained.Mean).reshape(1, 3, 1, 1);
        using var std = tensor(Pretrained.Std).reshape(1, 3, 1, 1);
        foreach (var augment in new[] { null, new DetectionAugmentation() })
        {
            using var a = unit.Epoch(4, augment, 7).Single();
            using var b = normalised.Epoch(4, augment, 7).Single();
            using var expected = a.Images.sub(mean).div(std);
            Assert.True(expected.allclose(b.Images, rtol: 1e-5, atol: 1e-5));
        }
    }
}
