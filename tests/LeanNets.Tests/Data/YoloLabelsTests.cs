using System.Globalization;
using LeanNets.Data.Detection;
using LeanNets.Tests.Cli;

namespace LeanNets.Tests.Data;

/// <summary>Ultralytics' YOLO layout read into the one detection pipeline: the same pictures written both ways
/// give the same objects, bad label lines are named by file and line (or skipped and counted), and a detector
/// trains and evaluates on it.</summary>
public class YoloLabelsTests
{
    /// <summary>A synthetic VOC folder of 64-px pictures (<paramref name="train"/> and <paramref name="val"/> of
    /// them) written again as images/, labels/ (class, centre and size as fractions) and a data file.</summary>
    private static (string Voc, string Yolo) WriteBoth(TempFolder dir, int train, int val)
    {
        const int size = 64;
        string voc = dir.File("voc"), yolo = dir.File("yolo");
        SyntheticShapes.Write(voc, train, "train", size, seed: 1);
        SyntheticShapes.Write(voc, val, "val", size, seed: 2);
        var names = SyntheticShapes.Classes;
        foreach (string split in new[] { "train", "val" })
        {
            var data = VocDataset.Load([voc], split, names);
            Directory.CreateDirectory(Path.Combine(yolo, "images", split));
            Directory.CreateDirectory(Path.Combine(yolo, "labels", split));
            for (int i = 0; i < data.Count; i++)
            {
                var a = data.Items[i].Annotation;
                File.Copy(data.ImagePath(i), Path.Combine(yolo, "images", split, a.Id + ".jpg"));
                var lines = a.Objects.Select(o => string.Create(CultureInfo.InvariantCulture,
                    $"{data.IndexOf(o.Name)} {(o.Box.X1 + o.Box.X2) / 2 / size:R} {(o.Box.Y1 + o.Box.Y2) / 2 / size:R} "
                        + $"{o.Box.Width / size:R} {o.Box.Height / size:R}"));
                File.WriteAllLines(Path.Combine(yolo, "labels", split, a.Id + ".txt"), lines);
            }
        }
        File.WriteAllText(Path.Combine(yolo, "data.yaml"),
            "path: .\ntrain: images/train\nval: images/val\nnames:\n"
                + string.Concat(names.Select((n, i) => $"  {i}: {n}\n")));
        return (voc, yolo);
    }

    [Fact]
    public void TheSamePicturesGiveTheSameObjectsAndADetectorTrainsOnThem()
    {
        using var dir = new TempFolder();
        var (voc, yolo) = WriteBoth(dir, 8, 4);

        var expected = VocDataset.Load([voc], "val").Truth().OrderBy(t => t.Image).ThenBy(t => t.Box.X1).ToList();
        var found = VocDataset.Load([yolo], "val").Truth().OrderBy(t => t.Image).ThenBy(t => t.Box.X1).ToList();
        Assert.Equal(expected.Count, found.Count);
        foreach (var (e, f) in expected.Zip(found))
        {
            Assert.Equal(e.Class, f.Class);
            Assert.EndsWith(e.Image + ".jpg", f.Image);
            foreach (var (a, b) in new[] { (e.Box.X1, f.Box.X1), (e.Box.Y1, f.Box.Y1), (e.Box.X2, f.Box.X2),
                (e.Box.Y2, f.Box.Y2) })
                Near.Equal(a, b, 1e-3);
        }

        var (code, output, error) = CliTests.Run("train", "yolov3_w25", "--data", yolo, "--input-size", "64",
            "--epochs", "1", "--output", dir.File("run"), "--no-tensorboard");
        Assert.True(code == 0, error);
        Assert.Contains("classes circle, square, triangle", output);
        (code, output, error) = CliTests.Run("eval", "yolov3_w25", "--weights", dir.File("run/best.safetensors"),
            "--data", yolo, "--output", dir.File("eval"));
        Assert.True(code == 0, error);
        Assert.Contains("split 'val'", output);
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.2", "line 2: expected 'class x_centre y_centre width height'")]
    [InlineData("3 0.5 0.5 0.2 0.2", "line 2: class 3 is not an index of the 3 classes")]
    [InlineData("1.5 0.5 0.5 0.2 0.2", "line 2: class 1.5 is not an index")]
    [InlineData("0 0.5 0.5 -0.2 0.2", "line 2: the box (0.5, 0.5, -0.2, 0.2) is not a positive box")]
    [InlineData("0 0.95 0.5 0.2 0.2", "line 2: the box (0.95, 0.5, 0.2, 0.2) is not a positive box")]
    public void BadLinesAreNamedOrSkipped(string line, string expected)
    {
        using var dir = new TempFolder();
        var (_, yolo) = WriteBoth(dir, 3, 2);
        string labels = Directory.GetFiles(Path.Combine(yolo, "labels", "train")).Order().First();
        File.WriteAllLines(labels, ["0 0.5 0.5 0.25 0.25", line]);

        var error = Assert.Throws<LeanNetsException>(() => VocDataset.Load([yolo], "train"));
        Assert.Contains(labels, error.Message);
        Assert.Contains(expected, error.Message);
        var lenient = VocDataset.Load([yolo], "train", skipBad: true);
        Assert.Equal((2, 1), (lenient.Count, lenient.Skipped));
    }

    [Fact]
    public void AFolderWithoutADataFileOrSplitIsNamed()
    {
        using var dir = new TempFolder();
        var (_, yolo) = WriteBoth(dir, 2, 2);
        Assert.Contains("no split 'test'", Assert.Throws<LeanNetsException>(() =>
            VocDataset.Load([yolo], "test")).Message);
        File.Delete(Path.Combine(yolo, "data.yaml"));
        Assert.Contains("needs a data file naming its classes", Assert.Throws<LeanNetsException>(() =>
            VocDataset.Load([yolo], "train")).Message);
    }
}
