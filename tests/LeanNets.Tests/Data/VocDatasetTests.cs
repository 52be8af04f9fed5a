using LeanNets.Data.Detection;
using LeanNets.Measures;
using LeanNets.Models.Detection;

namespace LeanNets.Tests.Data;

public class VocDatasetTests
{
    [Fact]
    public void ReadsBoxesDifficultFlagsAndClasses()
    {
        using var dir = new TempFolder();
        var written = SyntheticShapes.Write(dir.Path, 6);
        string first = written.Keys.First();
        var hard = written[first][0] with { Difficult = true };
        File.WriteAllText(dir.File($"Annotations/{first}.xml"), SyntheticShapes.Xml(first, 96, [hard]));

        var data = VocDataset.Load([dir.Path], "train");
        Assert.Equal(6, data.Count);
        Assert.Equal(written.Values.SelectMany(s => s).Select(s => s.Class).Distinct().Order(), data.ClassNames);
        var item = data.Items.Single(i => i.Annotation.Id == first).Annotation;
        var o = Assert.Single(item.Objects);
        Assert.True(o.Difficult);
        Assert.Equal(new BoundingBox(hard.XMin - 1, hard.YMin - 1, hard.XMax, hard.YMax), o.Box);
        Assert.Equal(written.Values.Sum(s => s.Length) - written[first].Length + 1, data.Truth().Count());
    }

    [Theory]
    [InlineData("<annotation><size>", "not a valid VOC annotation")]
    [InlineData(
        "<annotation><size><width>96</width><height>96</height></size><object><name>circle</name><bndbox>"
            + "<xmin>50</xmin><ymin>1</ymin><xmax>120</xmax><ymax>20</ymax></bndbox></object></annotation>",
        "object 1 (circle) box 50,1-120,20 is not inside the 96x96 image"
    )]
    [InlineData(
        "<annotation><size><width>96</width><height>96</height></size><object><name>circle</name><bndbox>"
            + "<xmin>50</xmin><ymin>30</ymin><xmax>40</xmax><ymax>20</ymax></bndbox></object></annotation>",
        "object 1 (circle) box 50,30-40,20 is empty"
    )]
    public void BadAnnotationsNameTheFile(string xml, string expected)
    {
        using var dir = new TempFolder();
        var written = SyntheticShapes.Write(dir.Path, 3);
        string bad = written.Keys.Last();
        File.WriteAllText(dir.File($"Annotations/{bad}.xml"), xml);

        var e = Assert.Throws<LeanNetsException>(() => VocDataset.Load([dir.Path], "train"));
        Assert.Contains($"{bad}.xml", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Equal(2, VocDataset.Load([dir.Path], "train", skipBad: true).Count);
    }

    [Fact]
    public void AMissingImageIsNamedOrSkipped()
    {
        using var dir = new TempFolder();
        var written = SyntheticShapes.Write(dir.Path, 3);
        File.Delete(dir.File($"JPEGImages/{written.Keys.First()}.jpg"));
        var e = Assert.Throws<LeanNetsException>(() => VocDataset.Load([dir.Path], "train"));
        Assert.Contains("not found", e.Message);
        var data = VocDataset.Load([dir.Path], "train", skipBad: true);
        Assert.Equal((2, 1), (data.Count, data.Skipped));
    }

    /// <summary>Two roots combine like VOC2007 + VOC2012; an explicit class list is kept in its order.</summary>
    [Fact]
    public void RootsCombineUnderOneClassList()
    {
        using var dir = new TempFolder();
        SyntheticShapes.Write(dir.File("a"), 2, seed: 1);
        SyntheticShapes.Write(dir.File("b"), 3, seed: 2);
        var classes = SyntheticShapes.Classes.Reverse().ToList();
        var data = VocDataset.Load([dir.File("a"), dir.File("b")], "train", classes);
        Assert.Equal(5, data.Count);
        Assert.Equal(classes, data.ClassNames);
        Assert.Throws<LeanNetsException>(() => VocDataset.Load([dir.File("a")], "train", ["dog"]));
    }

    /// <summary>Data without an evaluation split: a tenth of the training images (at least one) is held out, the
    /// same ones for the same seed whatever the order they were read in, others for another seed; one image
    /// cannot be split.</summary>
    [Fact]
    public void AHeldOutSplitIsSeededAndRepeatable()
    {
        using var dir = new TempFolder();
        SyntheticShapes.Write(dir.File("a"), 12, seed: 1, size: 32);
        SyntheticShapes.Write(dir.File("b"), 8, seed: 2, size: 32);
        var data = VocDataset.Load([dir.File("a"), dir.File("b")], "train");
        var reversed = VocDataset.Load([dir.File("b"), dir.File("a")], "train");
        static List<string> Ids(VocDataset d) => [.. d.Items.Select(i => i.Root + "/" + i.Annotation.Id).Order()];
        var (kept, held) = data.HoldOut(seed: 7);
        Assert.Equal((18, 2), (kept.Count, held.Count));
        Assert.Empty(Ids(kept).Intersect(Ids(held)));
        Assert.Equal(Ids(held), Ids(reversed.HoldOut(seed: 7).HeldOut));
        var others = Enumerable.Range(8, 5).Select(s => Ids(data.HoldOut(s).HeldOut));
        Assert.Contains(others, ids => !ids.SequenceEqual(Ids(held)));
        SyntheticShapes.Write(dir.File("one"), 1, seed: 3, size: 32);
        var single = VocDataset.Load([dir.File("one")], "train");
        Assert.Contains("at least 2 are needed", Assert.Throws<LeanNetsException>(() => single.HoldOut(1)).Message);
    }

    /// <summary>The real raccoon photos (../shared/data, present in CI): 160 train and 40 val images, 217 boxes,
    /// one class; every box inside its image, and its own boxes score mAP 1.</summary>
    [SkippableFact]
    public void ReadsTheRaccoonPhotos()
    {
        string root = Path.Combine(RepositoryRoot.Path, "..", "shared", "data", "raccoon");
        // CI lays ../shared beside the clone: there the photos must be read. A user's clone has no ../shared.
        bool shared = Directory.Exists(Path.Combine(RepositoryRoot.Path, "..", "shared"));
        if (!Directory.Exists(root) && shared && Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            Assert.Fail($"{root} is missing although ../shared is present (CI)");
        Skip.IfNot(Directory.Exists(root), "../shared/data/raccoon is not on this machine");
        var train = VocDataset.Load([root], "train");
        var val = VocDataset.Load([root], "val");
        Assert.Equal((160, 40), (train.Count, val.Count));
        Assert.Equal(["raccoon"], train.ClassNames);
        var truth = val.Truth().ToList();
        Assert.Equal(217, train.Truth().Count() + truth.Count);
        var perfect = truth.Select(t => new DetectedObject(t.Image, t.Class, 1, t.Box));
        // A perfect detector: mAP one up to double round-off.
        Near.Equal(1.0, VocMap.Evaluate(perfect, truth, 1).Map, 1e-12);
    }
}
