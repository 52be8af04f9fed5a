using System.Globalization;
using LeanNets.Models.Detection;
using SkiaSharp;

namespace LeanNets.Data.Detection;

/// <summary>
/// Ultralytics' YOLO layout, the one most detection data comes in today: <c>images/SPLIT/</c> holds the pictures,
/// <c>labels/SPLIT/NAME.txt</c> one line per object, <c>class x_centre y_centre width height</c> as fractions of
/// the picture, and a data file (<c>data.yaml</c> or <c>dataset.yaml</c>) names the classes (<c>names:</c> as a
/// list or an index map) and may point a split elsewhere (<c>train: images/train2017</c>). A picture without a
/// label file has no objects (a background picture). Objects become VOC annotations in pixels, so everything
/// downstream (letterboxing, augmentation, the loss, the metrics) is the one detection pipeline.
/// </summary>
public static class YoloLabels
{
    private static readonly string[] DataFiles = ["data.yaml", "dataset.yaml", "data.yml"];
    private static readonly HashSet<string> PictureTypes =
        new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };

    /// <summary>True for a folder in the YOLO layout (<c>images/</c> and <c>labels/</c> side by side).</summary>
    public static bool IsYoloLayout(string root) =>
        Directory.Exists(Path.Combine(root, "images")) && Directory.Exists(Path.Combine(root, "labels"));

    /// <summary>The class names the data file gives, in index order.</summary>
    public static IReadOnlyList<string> ClassNames(string root) => ReadDataFile(root).Names;

    /// <summary>The pictures of a split: the folder the data file names for it, else <c>images/SPLIT</c>.
    /// </summary>
    public static IReadOnlyList<string> Pictures(string root, string split)
    {
        var (_, splits) = ReadDataFile(root);
        string folder = Path.GetFullPath(Path.Combine(root, splits.GetValueOrDefault(split, Path.Combine("images",
            split))));
        if (!Directory.Exists(folder))
            throw new LeanNetsException($"{root}: no split '{split}' ({folder} does not exist)");
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => PictureTypes.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>True when the data has the split (its data file names it, or <c>images/SPLIT</c> exists).</summary>
    public static bool HasSplit(string root, string split) =>
        ReadDataFile(root).Splits.ContainsKey(split) || Directory.Exists(Path.Combine(root, "images", split));

    /// <summary>A picture's objects in pixels; a bad line (not five numbers, a class outside the list, a centre
    /// outside the picture, a size that is not positive or overflows the picture) is an error naming the file and
    /// line.</summary>
    public static VocAnnotation Read(string picture, string root, IReadOnlyList<string> classes)
    {
        var (width, height) = PictureSize(picture);
        string labels = LabelFile(picture);
        var objects = new List<VocObject>();
        if (File.Exists(labels))
        {
            foreach (var (line, number) in File.ReadLines(labels).Select((l, i) => (l.Trim(), i + 1)))
            {
                if (line.Length == 0)
                    continue;
                string where = $"{labels}, line {number}";
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                var values = fields.Select(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out double v) ? v : double.NaN).ToArray();
                if (values.Length != 5 || values.Any(v => !double.IsFinite(v)))
                    throw new LeanNetsException(
                        $"{where}: expected 'class x_centre y_centre width height', got '{line}'");
                var (cls, x, y, w, h) = (values[0], values[1], values[2], values[3], values[4]);
                if (cls != Math.Floor(cls) || cls < 0 || cls >= classes.Count)
                    throw new LeanNetsException(
                        $"{where}: class {fields[0]} is not an index of the {classes.Count} classes");
                // Labelling tools round: a box may pass the edge by a thousandth of the picture, and is clipped.
                const double slack = 1e-3;
                if (w <= 0 || h <= 0 || x is < 0 or > 1 || y is < 0 or > 1 || x - w / 2 < -slack
                    || x + w / 2 > 1 + slack || y - h / 2 < -slack || y + h / 2 > 1 + slack)
                    throw new LeanNetsException($"{where}: the box ({x}, {y}, {w}, {h}) is not a positive box inside "
                        + "the picture (fractions of its width and height)");
                var box = new BoundingBox(
                    (float)(Math.Max(0, x - w / 2) * width), (float)(Math.Max(0, y - h / 2) * height),
                    (float)(Math.Min(1, x + w / 2) * width), (float)(Math.Min(1, y + h / 2) * height));
                objects.Add(new VocObject(classes[(int)cls], box, Difficult: false));
            }
        }
        string id = Path.GetRelativePath(root, picture).Replace('\\', '/');
        return new VocAnnotation(id, picture, width, height, objects);
    }

    /// <summary>Ultralytics' rule: the last <c>images</c> folder of the picture's path becomes <c>labels</c>, the
    /// extension <c>.txt</c>.</summary>
    public static string LabelFile(string picture)
    {
        var parts = Path.GetFullPath(picture).Split(Path.DirectorySeparatorChar);
        int at = Array.LastIndexOf(parts, "images");
        if (at >= 0)
            parts[at] = "labels";
        return Path.ChangeExtension(string.Join(Path.DirectorySeparatorChar, parts), ".txt");
    }

    /// <summary>The picture's size from its header (no decoding).</summary>
    private static (int Width, int Height) PictureSize(string picture)
    {
        using var codec = SKCodec.Create(picture);
        if (codec == null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
            throw new BadImageException($"{picture}: unreadable image");
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>The class names and split folders of the data file (a small subset of YAML: the keys Ultralytics
    /// writes, <c>names</c> as <c>[a, b]</c>, a <c>- a</c> list or an <c>0: a</c> map).</summary>
    private static (IReadOnlyList<string> Names, Dictionary<string, string> Splits) ReadDataFile(string root)
    {
        string? file = DataFiles.Select(f => Path.Combine(root, f)).FirstOrDefault(File.Exists);
        if (file == null)
            throw new LeanNetsException(
                $"{root}: a YOLO folder needs a data file naming its classes ({string.Join(" or ", DataFiles)}, "
                    + "with 'names: [a, b, ...]')");
        var names = new SortedDictionary<int, string>();
        var splits = new Dictionary<string, string>();
        string? block = null;
        string basePath = "";
        foreach (string raw in File.ReadLines(file))
        {
            string line = raw.Split('#')[0].TrimEnd();
            if (line.Trim().Length == 0)
                continue;
            bool indented = char.IsWhiteSpace(line[0]);
            string text = line.Trim();
            if (indented && block == "names")
            {
                if (text.StartsWith('-'))
                    names[names.Count] = Unquote(text[1..]);
                else if (text.Split(':', 2) is [var key, var value] && int.TryParse(key, out int index))
                    names[index] = Unquote(value);
                continue;
            }
            if (text.Split(':', 2) is not [var name, var rest])
                continue;
            block = name.Trim();
            rest = rest.Trim();
            if (block == "names" && rest.StartsWith('['))
            {
                foreach (string n in rest.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries))
                    names[names.Count] = Unquote(n);
            }
            else if (block == "path" && rest.Length > 0)
                basePath = Unquote(rest);
            else if (block is not "names" and not "nc" and not "download" && rest.Length > 0)
                splits[block] = Unquote(rest);
        }
        if (names.Count == 0 || names.Keys.Select((k, i) => k != i).Any(gap => gap))
            throw new LeanNetsException($"{file}: 'names' must list the classes, indices 0 to n-1 without gaps");
        var resolved = splits.ToDictionary(p => p.Key, p => Path.Combine(basePath, p.Value));
        return ([.. names.Values], resolved);
    }

    private static string Unquote(string text) => text.Trim().Trim('\'', '"');
}
