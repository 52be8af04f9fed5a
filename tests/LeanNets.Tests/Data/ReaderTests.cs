using LeanNets.Data;
using SkiaSharp;

namespace LeanNets.Tests.Data;

public class ReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdxRoundTripsPlainAndGzip(bool gzip)
    {
        using var dir = new TempFolder();
        var images = SyntheticData.IdxImages(3, 4, 5, (n, y, x) => (byte)(n * 20 + y * 5 + x));
        var labels = SyntheticData.IdxLabels([2, 0, 1]);
        string ip = dir.File("i.idx"),
            lp = dir.File("l.idx");
        if (gzip)
        {
            SyntheticData.WriteGzip(ip, images);
            SyntheticData.WriteGzip(lp, labels);
        }
        else
        {
            File.WriteAllBytes(ip, images);
            File.WriteAllBytes(lp, labels);
        }
        var data = IdxReader.Load(ip, lp);
        Assert.Equal(3, data.Count);
        var second = data.Get(1);
        Assert.Equal((1, 4, 5, 0), (second.Channels, second.Height, second.Width, second.Label));
        Assert.Equal(20 + 2 * 5 + 3, second.Pixels[2 * 5 + 3]);
    }

    [Fact]
    public void RealFashionMnistSubsetLoads()
    {
        var location = BundledData.FashionMnist();
        var test = IdxReader.LoadSplit(location.Folder, train: false);
        Assert.Equal(10, test.ClassNames.Count);
        Assert.Equal("Ankle boot", test.ClassNames[9]);
        Assert.Equal(28, test.Height);
        Assert.True(test.Count >= 1000);
        // Every class is present and pixels span the byte range.
        Assert.Equal(10, test.Labels.Distinct().Count());
    }

    /// <summary>The subset a fresh clone's demo trains on (data/fashion-mnist-mini), read by its own path: in CI
    /// <see cref="BundledData"/> prefers ../shared, so this is the only test that reads the shipped files.</summary>
    [Theory]
    [InlineData(true, 6000)]
    [InlineData(false, 1000)]
    public void TheBundledMiniSetIsWhole(bool train, int count)
    {
        var data = IdxReader.LoadSplit(RepositoryRoot.File("data", "fashion-mnist-mini"), train);
        Assert.Equal((count, 1, 28, 28), (data.Count, data.Channels, data.Height, data.Width));
        Assert.Equal(IdxReader.FashionMnistClasses, data.ClassNames);
        // Every class, in the same proportion as the full set (which is balanced).
        var perClass = data.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 10), perClass.Keys.Order());
        Assert.All(perClass.Values, n => Assert.InRange(n, count / 10 / 2, count / 10 * 2));
        // Real photographs: black background, bright garments, many grey levels.
        var pixels = Enumerable.Range(0, 50).SelectMany(i => data.Get(i).Pixels).ToArray();
        Assert.Equal((0, 255), ((int)pixels.Min(), (int)pixels.Max()));
        Assert.True(pixels.Distinct().Count() > 200);
    }

    [Fact]
    public void IdxErrorsNameTheFileAndProblem()
    {
        using var dir = new TempFolder();
        var good = SyntheticData.IdxImages(2, 3, 3, (_, _, _) => 1);
        File.WriteAllBytes(dir.File("truncated"), good[..^2]);
        var wrongMagic = (byte[])good.Clone();
        wrongMagic[3] = 0x01;
        File.WriteAllBytes(dir.File("magic"), wrongMagic);
        File.WriteAllBytes(dir.File("labels"), SyntheticData.IdxLabels([0, 7]));
        File.WriteAllBytes(dir.File("images"), good);
        File.WriteAllBytes(dir.File("bad.gz"), [0x1f, 0x8b, 1, 2, 3, 4, 5]);

        Assert.Contains(
            "truncated",
            Assert.Throws<LeanNetsException>(() => IdxReader.ReadImages(dir.File("truncated"))).Message
        );
        Assert.Contains(
            "wrong IDX magic",
            Assert.Throws<LeanNetsException>(() => IdxReader.ReadImages(dir.File("magic"))).Message
        );
        Assert.Contains(
            "not found",
            Assert.Throws<LeanNetsException>(() => IdxReader.ReadImages(dir.File("missing"))).Message
        );
        Assert.Contains(
            "corrupt gzip",
            Assert.Throws<LeanNetsException>(() => IdxReader.ReadImages(dir.File("bad.gz"))).Message
        );
        var outOfRange = Assert.Throws<LeanNetsException>(() =>
            IdxReader.Load(dir.File("images"), dir.File("labels"), ["a", "b"])
        );
        Assert.Contains("label 7", outOfRange.Message);
        Assert.Contains(dir.File("labels"), outOfRange.Message);
    }

    [Fact]
    public void CifarTenAndHundredRecords()
    {
        using var dir = new TempFolder();
        var record10 = new byte[1 + 3072];
        record10[0] = 7;
        record10[1 + 1024] = 99; // first green pixel
        File.WriteAllBytes(dir.File("test_batch.bin"), [.. record10, .. record10]);
        var ten = CifarReader.LoadSplit(dir.Path, train: false);
        Assert.Equal(2, ten.Count);
        Assert.Equal("horse", ten.ClassNames[ten.Get(0).Label]);
        Assert.Equal(99, ten.Get(1).Pixels[1024]);

        using var dir100 = new TempFolder();
        var record100 = new byte[2 + 3072];
        record100[0] = 3;
        record100[1] = 42;
        File.WriteAllBytes(dir100.File("test.bin"), record100);
        Assert.Equal(42, CifarReader.LoadSplit(dir100.Path, train: false).Get(0).Label);

        File.WriteAllBytes(dir.File("test_batch.bin"), record10[..100]);
        Assert.Contains(
            "not a whole number",
            Assert.Throws<LeanNetsException>(() => CifarReader.LoadSplit(dir.Path, false)).Message
        );
        record10[0] = 12;
        File.WriteAllBytes(dir.File("test_batch.bin"), record10);
        Assert.Contains(
            "label 12",
            Assert.Throws<LeanNetsException>(() => CifarReader.LoadSplit(dir.Path, false)).Message
        );
    }

    [Fact]
    public void ImageFolderSortsClassesAndReportsBadFiles()
    {
        using var dir = new TempFolder();
        foreach (var cls in new[] { "zebra", "Apple", "cat" })
            Directory.CreateDirectory(Path.Combine(dir.Path, cls));
        SyntheticData.WritePng(Path.Combine(dir.Path, "zebra", "a.png"), 6, 4, SKColors.Red);
        SyntheticData.WritePng(Path.Combine(dir.Path, "Apple", "a.png"), 5, 5, SKColors.Blue);
        SyntheticData.WritePng(Path.Combine(dir.Path, "cat", "a.png"), 5, 5, SKColors.Lime);
        File.WriteAllBytes(Path.Combine(dir.Path, "cat", "b.png"), [1, 2, 3, 4]);

        var data = new ImageFolderDataset(dir.Path);
        Assert.Equal(["Apple", "cat", "zebra"], data.ClassNames);
        var red = data.Get(3);
        Assert.Equal((2, 4, 6), (red.Label, red.Height, red.Width));
        Assert.Equal(255, red.Pixels[0]); // R plane
        Assert.Equal(0, red.Pixels[4 * 6]); // G plane
        var e = Assert.Throws<BadImageException>(() => data.Get(2));
        Assert.Contains("b.png", e.Message);

        var skipping = new ImageFolderDataset(dir.Path, skipBad: true);
        Assert.Equal(2, skipping.Get(2).Label); // the next readable image
        Assert.Equal(1, skipping.BadFiles);

        Directory.CreateDirectory(Path.Combine(dir.Path, "empty"));
        Assert.Contains(
            "empty class folder",
            Assert.Throws<LeanNetsException>(() => new ImageFolderDataset(dir.Path)).Message
        );
    }
}
