using System.Globalization;
using SkiaSharp;

namespace LeanNets.Data.Detection;

/// <summary>
/// A VOC-layout dataset of coloured shapes (red circles, green squares, blue triangles) on dark noise, with
/// exact boxes: a detector must reach a high mAP on it quickly, so it checks the whole detection pipeline
/// (data, loss, training, decoding, metric) without a real dataset. Shapes may overlap; a later one can hide
/// part of an earlier one, as real objects do.
/// </summary>
public static class SyntheticShapes
{
    public static readonly string[] Classes = ["circle", "square", "triangle"];

    /// <summary>An object as VOC writes it: 1-based inclusive pixel indices.</summary>
    public sealed record Shape(string Class, int XMin, int YMin, int XMax, int YMax, bool Difficult = false);

    /// <summary>Writes one split (images, annotations, the split's id list) under <paramref name="root"/>.</summary>
    public static IReadOnlyDictionary<string, Shape[]> Write(
        string root,
        int images,
        string split = "train",
        int size = 96,
        int seed = 1
    )
    {
        var rng = new Random(seed);
        var written = new Dictionary<string, Shape[]>();
        foreach (var dir in new[] { "JPEGImages", "Annotations", Path.Combine("ImageSets", "Main") })
            Directory.CreateDirectory(Path.Combine(root, dir));
        var ids = new List<string>();
        for (int n = 0; n < images; n++)
        {
            string id = $"{split}-{n:D4}";
            var shapes = Enumerable.Range(0, 1 + rng.Next(2)).Select(_ => RandomShape(rng, size)).ToArray();
            WriteImage(Path.Combine(root, "JPEGImages", id + ".jpg"), size, shapes, rng);
            File.WriteAllText(Path.Combine(root, "Annotations", id + ".xml"), Xml(id, size, shapes));
            written[id] = shapes;
            ids.Add(id);
        }
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", split + ".txt"), ids);
        return written;
    }

    private static Shape RandomShape(Random rng, int size)
    {
        int side = size / 4 + rng.Next(size / 4);
        int x = 1 + rng.Next(size - side - 1), y = 1 + rng.Next(size - side - 1);
        return new Shape(Classes[rng.Next(Classes.Length)], x, y, x + side - 1, y + side - 1);
    }

    private static void WriteImage(string path, int size, IEnumerable<Shape> shapes, Random rng)
    {
        using var bitmap = new SKBitmap(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)rng.Next(80), (byte)rng.Next(80), (byte)rng.Next(80)));
        using var canvas = new SKCanvas(bitmap);
        foreach (var s in shapes)
        {
            using var paint = new SKPaint { IsAntialias = true };
            var rect = new SKRect(s.XMin - 1, s.YMin - 1, s.XMax, s.YMax);
            switch (s.Class)
            {
                case "circle":
                    paint.Color = SKColors.Red;
                    canvas.DrawOval(rect, paint);
                    break;
                case "square":
                    paint.Color = SKColors.Lime;
                    canvas.DrawRect(rect, paint);
                    break;
                default:
                    paint.Color = SKColors.DodgerBlue;
                    using (var p = new SKPath())
                    {
                        p.MoveTo(rect.MidX, rect.Top);
                        p.LineTo(rect.Right, rect.Bottom);
                        p.LineTo(rect.Left, rect.Bottom);
                        p.Close();
                        canvas.DrawPath(p, paint);
                    }
                    break;
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A VOC annotation of a size x size image.</summary>
    public static string Xml(string id, int size, IEnumerable<Shape> shapes) =>
        $"<annotation><filename>{id}.jpg</filename><size><width>{size}</width><height>{size}</height>"
        + "<depth>3</depth></size>"
        + string.Concat(shapes.Select(ObjectXml))
        + "</annotation>";

    private static string ObjectXml(Shape s) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"<object><name>{s.Class}</name><difficult>{(s.Difficult ? 1 : 0)}</difficult><bndbox>"
        )
        + string.Create(
            CultureInfo.InvariantCulture,
            $"<xmin>{s.XMin}</xmin><ymin>{s.YMin}</ymin><xmax>{s.XMax}</xmax><ymax>{s.YMax}</ymax></bndbox></object>"
        );
}
