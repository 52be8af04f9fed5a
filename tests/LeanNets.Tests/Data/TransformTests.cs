using LeanNets.Data;

namespace LeanNets.Tests.Data;

public class TransformTests
{
    private static ImageSample Ramp(int channels, int h, int w) =>
        new(Enumerable.Range(0, channels * h * w).Select(i => (byte)(i % 251)).ToArray(), channels, h, w, 0);

    private static readonly DataConfig Cifar =
        new(32, 3, ImageTransform.CifarMean, ImageTransform.CifarStd, Augmentation.Cifar, 4, true);
    private static readonly DataConfig ImageNet =
        new(64, 3, ImageTransform.ImageNetMean, ImageTransform.ImageNetStd, Augmentation.ImageNet, 0, true);
    private static readonly DataConfig FashionMnist =
        new(28, 1, ImageTransform.FashionMnistMean, ImageTransform.FashionMnistStd, Augmentation.None, 2, true);

    public static IEnumerable<object[]> Transforms() =>
        [
            [Cifar.TrainTransform(), 3, 32, 32],
            [Cifar.EvalTransform(), 3, 32, 32],
            [ImageNet.TrainTransform(), 3, 80, 100],
            [ImageNet.EvalTransform(), 3, 80, 100],
            [(FashionMnist with { InputSize = 32 }).TrainTransform(), 1, 28, 28],
            [FashionMnist.EvalTransform(), 1, 28, 28],
        ];

    [Theory]
    [MemberData(nameof(Transforms))]
    public void OutputShapeAndDeterminism(ImageTransform transform, int c, int h, int w)
    {
        var image = Ramp(c, h, w);
        var a = transform.Apply(image, new Random(5));
        var b = transform.Apply(image, new Random(5));
        Assert.Equal(c * transform.Size * transform.Size, a.Length);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void EvalIsIdentityUpToNormalisationAtNativeSize()
    {
        var image = Ramp(1, 28, 28);
        var t = FashionMnist.EvalTransform();
        var output = t.Apply(image, new Random(0));
        // float32 normalisation of the same pixel.
        Near.Equal((image.Pixels[100] / 255f - t.Mean[0]) / t.Std[0], output[100], 1e-5);
    }

    [Fact]
    public void FlipMirrorsRows()
    {
        var image = Ramp(1, 4, 4);
        var t = new ImageTransform(4, [0f], [1f], HorizontalFlip: true);
        // Find a seed that flips and one that does not.
        var outputs = Enumerable.Range(0, 20).Select(s => t.Apply(image, new Random(s))).ToList();
        var flipped = outputs.First(o => Math.Abs(o[0] - image.Pixels[3] / 255f) < 1e-6);
        Near.Equal(image.Pixels[0] / 255f, flipped[3], 1e-6);
        Assert.Contains(outputs, o => Math.Abs(o[0] - image.Pixels[0] / 255f) < 1e-6);
    }

    [Fact]
    public void LoaderRepeatsAnEpochWhateverThePrefetch()
    {
        var data = new InMemoryDataset(
            Enumerable.Range(0, 10 * 16).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0, 10).Select(i => i % 3).ToArray(),
            1,
            4,
            4,
            ["a", "b", "c"]
        );
        var t = new ImageTransform(4, [0f], [1f], Pad: 1, RandomCrop: true, HorizontalFlip: true);
        var background = new BatchLoader(data, t, 3, shuffle: true, seed: 9, prefetch: 3).Epoch(2).ToList();
        var inline = new BatchLoader(data, t, 3, shuffle: true, seed: 9, prefetch: 0).Epoch(2).ToList();
        Assert.Equal(4, background.Count);
        Assert.Equal(background.SelectMany(b => b.Labels), inline.SelectMany(b => b.Labels));
        Assert.Equal(background.SelectMany(b => b.Pixels), inline.SelectMany(b => b.Pixels));
        var otherEpoch = new BatchLoader(data, t, 3, shuffle: true, seed: 9, prefetch: 0).Order(3);
        Assert.NotEqual(new BatchLoader(data, t, 3, true, 9).Order(2), otherEpoch);
    }
}
