using System.Text.Json;
using LeanNets.Data.Detection;
using LeanNets.Interchange;
using LeanNets.Models.Detection;
using LeanNets.Tests.Cli;

namespace LeanNets.Tests.Data;

/// <summary>COCO's annotation files read into the one detection pipeline: the same pictures written both ways give
/// the same objects, crowd boxes are ignored objects, bad annotations are named by file and id (or skipped and
/// counted), and a detector is evaluated on it.</summary>
public class CocoAnnotationsTests
{
    /// <summary>Category ids with gaps (10, 20, 30), as COCO's own (1..90 for 80 classes) have.</summary>
    private static long CategoryId(int index) => 10 * (index + 1);

    /// <summary>A synthetic VOC folder of 64-px pictures written again as images/SPLIT/ and
    /// annotations/instances_SPLIT.json; <paramref name="edit"/> may change the annotations before writing.</summary>
    private static (string Voc, string Coco) WriteBoth(TempFolder dir, Action<List<Dictionary<string, object>>>? edit
        = null)
    {
        string voc = dir.File("voc"), coco = dir.File("coco");
        SyntheticShapes.Write(voc, 4, "train", 64, seed: 1);
        SyntheticShapes.Write(voc, 4, "val", 64, seed: 2);
        var classes = SyntheticShapes.Classes;
        foreach (string split in new[] { "train", "val" })
        {
            var data = VocDataset.Load([voc], split, classes);
            Directory.CreateDirectory(Path.Combine(coco, "images", split));
            Directory.CreateDirectory(Path.Combine(coco, "annotations"));
            var images = new List<object>();
            var boxes = new List<Dictionary<string, object>>();
            for (int i = 0; i < data.Count; i++)
            {
                var a = data.Items[i].Annotation;
                File.Copy(data.ImagePath(i), Path.Combine(coco, "images", split, a.Id + ".jpg"));
                images.Add(new { id = i + 1, file_name = a.Id + ".jpg", width = a.Width, height = a.Height });
                foreach (var o in a.Objects)
                    boxes.Add(new()
                    {
                        ["id"] = boxes.Count + 1,
                        ["image_id"] = i + 1,
                        ["category_id"] = CategoryId(data.IndexOf(o.Name)),
                        ["bbox"] = new[] { o.Box.X1, o.Box.Y1, o.Box.Width, o.Box.Height },
                        ["iscrowd"] = 0,
                    });
            }
            if (split == "val")
                edit?.Invoke(boxes);
            var categories = classes.Select((c, k) => new { id = CategoryId(k), name = c });
            File.WriteAllText(CocoAnnotations.AnnotationFile(coco, split),
                JsonSerializer.Serialize(new { images, annotations = boxes, categories }));
        }
        return (voc, coco);
    }

    [Fact]
    public void TheSamePicturesGiveTheSameObjectsAndADetectorIsEvaluatedOnThem()
    {
        using var dir = new TempFolder();
        var (voc, coco) = WriteBoth(dir, boxes => boxes[0]["iscrowd"] = 1);
        var expected = VocDataset.Load([voc], "val", SyntheticShapes.Classes).Truth()
            .OrderBy(t => t.Image).ThenBy(t => t.Box.X1).ToList();
        var data = VocDataset.Load([coco], "val");
        Assert.Equal(SyntheticShapes.Classes, data.ClassNames);
        var found = data.Truth().OrderBy(t => t.Image).ThenBy(t => t.Box.X1).ToList();
        Assert.Equal(expected.Count, found.Count);
        foreach (var (e, f) in expected.Zip(found))
        {
            Assert.Equal((e.Image, e.Class), (f.Image, f.Class));
            Near.Equal(e.Box.X1, f.Box.X1, 1e-3);
            Near.Equal(e.Box.Y2, f.Box.Y2, 1e-3);
        }
        Assert.Equal(1, found.Count(t => t.Difficult)); // the crowd box

        string weights = dir.File("det.safetensors");
        using (var model = DetectorRegistry.Get("yolov3_w25").Create(SyntheticShapes.Classes.Length))
            WeightFile.Write(weights, StateDict.Of(model));
        var (code, output, error) = CliTests.Run("eval", "yolov3_w25", "--weights", weights, "--data", coco,
            "--input-size", "64", "--output", dir.File("eval"));
        Assert.True(code == 0, error);
        Assert.Contains("on 4 images (split 'val')", output);
    }

    [Theory]
    [InlineData("bbox", "is not a box with area inside the 64x64 picture")]
    [InlineData("category_id", "category 99 is not in the class list")]
    public void BadAnnotationsAreNamedOrSkipped(string field, string expected)
    {
        using var dir = new TempFolder();
        var (_, coco) = WriteBoth(dir, boxes => boxes[0][field] = field == "bbox" ? new[] { 50.0, 5, 30, 10 } : 99L);
        var error = Assert.Throws<LeanNetsException>(() => VocDataset.Load([coco], "val", SyntheticShapes.Classes));
        Assert.Contains("instances_val.json: annotation 1 (image 1)", error.Message);
        Assert.Contains(expected, error.Message);
        var lenient = VocDataset.Load([coco], "val", SyntheticShapes.Classes, skipBad: true);
        Assert.Equal((3, 1), (lenient.Count, lenient.Skipped));
    }
}
