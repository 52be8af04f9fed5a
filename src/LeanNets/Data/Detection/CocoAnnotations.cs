using System.Text.Json;
using LeanNets.Models.Detection;

namespace LeanNets.Data.Detection;

/// <summary>
/// COCO's detection layout: <c>annotations/instances_SPLIT.json</c> (images with their sizes, categories, and
/// boxes as x, y, width, height in pixels) beside the pictures in <c>SPLIT/</c> or <c>images/SPLIT/</c>. Classes
/// are the categories in id order; a crowd box (<c>iscrowd</c>) becomes an ignored ("difficult") object, as COCO's
/// own metric treats it. Read into VOC annotations, so everything downstream is the one detection pipeline.
/// </summary>
public static class CocoAnnotations
{
    /// <summary>True for a folder with COCO annotation files.</summary>
    public static bool IsCocoLayout(string root) =>
        Directory.Exists(Path.Combine(root, "annotations"))
        && Directory.EnumerateFiles(Path.Combine(root, "annotations"), "instances_*.json").Any();

    public static string AnnotationFile(string root, string split) =>
        Path.Combine(root, "annotations", $"instances_{split}.json");

    public static bool HasSplit(string root, string split) => File.Exists(AnnotationFile(root, split));

    /// <summary>The class names (categories by id) of a split's file.</summary>
    public static IReadOnlyList<string> ClassNames(string root, string split) =>
        Parse(root, split).Categories.Select(c => c.Name).ToList();

    /// <summary>A split's pictures with their objects in pixels. A box outside its picture, with no area, or of an
    /// unknown category, or a picture that is not there, is an error naming the file and the annotation id
    /// (skipped and counted with <paramref name="skipBad"/>).</summary>
    public static (List<VocAnnotation> Annotations, int Skipped) Read(string root, string split,
        IReadOnlyList<string> classes, bool skipBad)
    {
        var (file, images, categories, boxes) = Parse(root, split);
        var names = categories.ToDictionary(c => c.Id, c => c.Name);
        var byImage = boxes.ToLookup(b => b.ImageId);
        string folder = new[] { Path.Combine(root, split), Path.Combine(root, "images", split) }
            .FirstOrDefault(Directory.Exists) ?? throw new LeanNetsException(
                $"{root}: no picture folder for split '{split}' ({split}/ or images/{split}/)");
        var annotations = new List<VocAnnotation>();
        int skipped = 0;
        foreach (var image in images)
        {
            try
            {
                string picture = Path.Combine(folder, image.FileName);
                if (!File.Exists(picture))
                    throw new LeanNetsException($"{file}: image {image.Id}: {picture} not found");
                var objects = byImage[image.Id].Select(b => Object(file, image, b, names, classes)).ToList();
                annotations.Add(new VocAnnotation(Path.GetFileNameWithoutExtension(image.FileName), picture,
                    image.Width, image.Height, objects));
            }
            catch (LeanNetsException) when (skipBad)
            {
                skipped++;
            }
        }
        return (annotations, skipped);
    }

    private static VocObject Object(string file, CocoImage image, CocoBox b, Dictionary<long, string> names,
        IReadOnlyList<string> classes)
    {
        string where = $"{file}: annotation {b.Id} (image {image.Id})";
        if (!names.TryGetValue(b.CategoryId, out string? name) || !classes.Contains(name))
            throw new LeanNetsException($"{where}: category {b.CategoryId} is not in the class list");
        if (b.Box is not [var x, var y, var w, var h] || w <= 0 || h <= 0 || x < 0 || y < 0
            || x + w > image.Width + 0.5 || y + h > image.Height + 0.5)
            throw new LeanNetsException($"{where}: bbox [{string.Join(", ", b.Box)}] is not a box with area inside "
                + $"the {image.Width}x{image.Height} picture");
        var box = new BoundingBox((float)x, (float)y, (float)Math.Min(x + w, image.Width),
            (float)Math.Min(y + h, image.Height));
        return new VocObject(name, box, Difficult: b.Crowd);
    }

    private sealed record CocoImage(long Id, string FileName, int Width, int Height);

    private sealed record CocoCategory(long Id, string Name);

    private sealed record CocoBox(long Id, long ImageId, long CategoryId, double[] Box, bool Crowd);

    private static (string File, List<CocoImage> Images, List<CocoCategory> Categories, List<CocoBox> Boxes)
        Parse(string root, string split)
    {
        string file = AnnotationFile(root, split);
        if (!File.Exists(file))
            throw new LeanNetsException($"{root}: no split '{split}' (annotations/instances_{split}.json)");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var top = document.RootElement;
            var images = top.GetProperty("images").EnumerateArray().Select(i => new CocoImage(
                i.GetProperty("id").GetInt64(), i.GetProperty("file_name").GetString() ?? "",
                i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())).ToList();
            var categories = top.GetProperty("categories").EnumerateArray().Select(c => new CocoCategory(
                c.GetProperty("id").GetInt64(), c.GetProperty("name").GetString() ?? "")).OrderBy(c => c.Id).ToList();
            var boxes = top.GetProperty("annotations").EnumerateArray().Select(a => new CocoBox(
                a.GetProperty("id").GetInt64(), a.GetProperty("image_id").GetInt64(),
                a.GetProperty("category_id").GetInt64(),
                [.. a.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble())],
                a.TryGetProperty("iscrowd", out var crowd) && crowd.GetInt32() == 1)).ToList();
            return (file, images, categories, boxes);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException
            or FormatException)
        {
            throw new LeanNetsException($"{file}: not a COCO detection file ({e.Message.Split('\n')[0]})");
        }
    }
}
