using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using LeanNets.Models.Detection;

namespace LeanNets.Data.Detection;

/// <summary>One annotated object of a VOC XML file.</summary>
public sealed record VocObject(string Name, BoundingBox Box, bool Difficult);

/// <summary>One VOC annotation file: the image's name and size and its objects.</summary>
public sealed record VocAnnotation(string Id, string FileName, int Width, int Height, IReadOnlyList<VocObject> Objects)
{
    /// <summary>
    /// Reads a PASCAL VOC XML annotation. VOC pixel indices start at 1 and include both ends, so a box
    /// xmin..xmax becomes the continuous box [xmin - 1, xmax]. A malformed file, a missing field or a box
    /// outside the image is an error naming the file (and the object).
    /// </summary>
    public static VocAnnotation Read(string path)
    {
        XElement root;
        try
        {
            root = XDocument.Load(path).Root ?? throw new LeanNetsException($"{path}: empty annotation");
        }
        catch (XmlException e)
        {
            throw new LeanNetsException($"{path}: not a valid VOC annotation ({e.Message})");
        }
        string id = Path.GetFileNameWithoutExtension(path);
        string fileName = root.Element("filename")?.Value.Trim() is { Length: > 0 } f ? f : id + ".jpg";
        var size = root.Element("size") ?? throw new LeanNetsException($"{path}: no <size>");
        int width = Int(path, size, "width"),
            height = Int(path, size, "height");
        if (width <= 0 || height <= 0)
            throw new LeanNetsException($"{path}: image size {width}x{height}");
        var objects = new List<VocObject>();
        foreach (var (o, index) in root.Elements("object").Select((o, i) => (o, i + 1)))
        {
            string name = o.Element("name")?.Value.Trim() ?? "";
            if (name.Length == 0)
                throw new LeanNetsException($"{path}: object {index} has no <name>");
            var b = o.Element("bndbox") ?? throw new LeanNetsException($"{path}: object {index} has no <bndbox>");
            float x1 = Number(path, b, "xmin") - 1,
                y1 = Number(path, b, "ymin") - 1,
                x2 = Number(path, b, "xmax"),
                y2 = Number(path, b, "ymax");
            // VOC's corners are inclusive pixel numbers from 1: xmin == xmax is one pixel wide, xmax < xmin is empty.
            if (x2 <= x1 || y2 <= y1)
                throw new LeanNetsException(
                    $"{path}: object {index} ({name}) box {x1 + 1},{y1 + 1}-{x2},{y2} is empty (a max before its min)");
            if (x1 < 0 || y1 < 0 || x2 > width || y2 > height)
            {
                throw new LeanNetsException(
                    $"{path}: object {index} ({name}) box {x1 + 1},{y1 + 1}-{x2},{y2} is not inside the "
                        + $"{width}x{height} image"
                );
            }
            bool difficult = o.Element("difficult")?.Value.Trim() == "1";
            objects.Add(new VocObject(name, new BoundingBox(x1, y1, x2, y2), difficult));
        }
        return new VocAnnotation(id, fileName, width, height, objects);
    }

    private static int Int(string path, XElement parent, string name) => (int)Number(path, parent, name);

    private static float Number(string path, XElement parent, string name) =>
        float.TryParse(parent.Element(name)?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out float v)
            ? v
            : throw new LeanNetsException($"{path}: <{name}> missing or not a number");
}
