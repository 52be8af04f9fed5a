using System.Globalization;
using LeanNets.Data.Detection;
using LeanNets.Models.Detection;
using SkiaSharp;

namespace LeanNets.Bench;

/// <summary>
/// `raccoon-crops VOC OUT [SIDE]`: a two-class image folder (raccoon / background) cut from a one-class VOC set,
/// for docs/results.md's pretrained-against-scratch rows on real photos. Each box becomes a square crop about its
/// centre (the longer side, clamped to the picture); each picture also gives up to two background squares, drawn
/// where boxes cover less than a tenth of them (seeded; a picture with no such place gives none). The VOC train
/// split goes to train/, val to test/; crops are resized to SIDE (default 128) and written as PNG.
/// </summary>
public static class RaccoonCrops
{
    private const int Attempts = 50;
    private const double MaxCover = 0.1;
    private const int BackgroundsPerPicture = 2;

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: raccoon-crops VOC OUT [SIDE=128]");
            return 2;
        }
        int side = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 128;
        var rng = new Random(1);
        foreach (var (split, folder) in new[] { ("train", "train"), ("val", "test") })
        {
            var data = VocDataset.Load([args[0]], split);
            int objects = 0, backgrounds = 0;
            for (int i = 0; i < data.Count; i++)
            {
                var annotation = data.Items[i].Annotation;
                using var picture = SKBitmap.Decode(data.ImagePath(i))
                    ?? throw new InvalidDataException($"{data.ImagePath(i)}: not a readable image");
                var boxes = annotation.Objects.Select(o => o.Box).ToList();
                foreach (var box in boxes)
                    Save(picture, Square(box, picture), side, Path.Combine(args[1], folder, "raccoon"),
                        $"{annotation.Id}-{objects++}");
                for (int k = 0; k < BackgroundsPerPicture; k++)
                    if (Background(picture, boxes, rng) is { } free)
                        Save(picture, free, side, Path.Combine(args[1], folder, "background"),
                            $"{annotation.Id}-{backgrounds++}");
            }
            Console.WriteLine(
                $"{folder}: {objects} raccoon and {backgrounds} background crops of {data.Count} pictures");
        }
        return 0;
    }

    /// <summary>The square about a box's centre with its longer side, moved inside the picture.</summary>
    private static SKRectI Square(BoundingBox box, SKBitmap picture)
    {
        int s = Math.Min((int)Math.Ceiling(Math.Max(box.X2 - box.X1, box.Y2 - box.Y1)),
            Math.Min(picture.Width, picture.Height));
        int x = Math.Clamp((int)((box.X1 + box.X2 - s) / 2), 0, picture.Width - s);
        int y = Math.Clamp((int)((box.Y1 + box.Y2 - s) / 2), 0, picture.Height - s);
        return new SKRectI(x, y, x + s, y + s);
    }

    /// <summary>A square of a fifth to half the picture's shorter side of which boxes cover under a tenth, or
    /// null.</summary>
    private static SKRectI? Background(SKBitmap picture, List<BoundingBox> boxes, Random rng)
    {
        int shorter = Math.Min(picture.Width, picture.Height);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            int s = shorter / 5 + rng.Next(shorter / 2 - shorter / 5 + 1);
            int x = rng.Next(picture.Width - s + 1), y = rng.Next(picture.Height - s + 1);
            var candidate = new BoundingBox(x, y, x + s, y + s);
            if (boxes.Sum(b => Overlap(b, candidate)) < MaxCover * candidate.Area)
                return new SKRectI(x, y, x + s, y + s);
        }
        return null;
    }

    private static double Overlap(BoundingBox a, BoundingBox b) =>
        Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1))
        * Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));

    private static void Save(SKBitmap picture, SKRectI region, int side, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        using var crop = new SKBitmap(side, side);
        using (var canvas = new SKCanvas(crop))
        using (var image = SKImage.FromBitmap(picture))
            canvas.DrawImage(image, SKRect.Create(region.Left, region.Top, region.Width, region.Height),
                SKRect.Create(0, 0, side, side), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var data = crop.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(folder, name + ".png"), data.ToArray());
    }
}
