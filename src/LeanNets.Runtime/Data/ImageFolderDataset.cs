using System.Collections.Concurrent;
using SkiaSharp;

namespace LeanNets.Data;

/// <summary>
/// root/&lt;class&gt;/*.jpg|png (the ImageNet layout, one split per folder). Classes are the sub-folder names
/// sorted ordinally, like torchvision's ImageFolder. Images are decoded with SkiaSharp on demand.
/// </summary>
public sealed class ImageFolderDataset : IImageDataset
{
    /// <summary>True for a file name with an image extension this reader decodes.</summary>
    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path));

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".bmp",
        ".webp",
    };

    /// <summary>Images declaring more pixels than this are refused before decoding (a 74-byte PNG can declare
    /// 100000 x 100000 and would need 40 GB).</summary>
    public const long MaxPixels = 50_000_000;

    private readonly (string Path, int Label)[] items;
    private readonly bool skipBad;
    private readonly ConcurrentDictionary<string, bool> badFiles;

    /// <param name="skipBad">replace unreadable images by the next readable one and count them, instead of
    /// failing.</param>
    public ImageFolderDataset(string root, bool skipBad = false)
    {
        if (!Directory.Exists(root))
            throw new LeanNetsException($"data folder not found: {root}");
        var classes = Directory
            .GetDirectories(root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        if (classes.Count == 0)
            throw new LeanNetsException($"{root}: no class sub-folders");
        var list = new List<(string, int)>();
        for (int c = 0; c < classes.Count; c++)
        {
            var files = Directory
                .EnumerateFiles(Path.Combine(root, classes[c]), "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new LeanNetsException(
                    $"{Path.Combine(root, classes[c])}: empty class folder (no .jpg/.png images)"
                );
            list.AddRange(files.Select(f => (f, c)));
        }
        items = list.ToArray();
        ClassNames = classes;
        this.skipBad = skipBad;
        badFiles = new ConcurrentDictionary<string, bool>();
    }

    private ImageFolderDataset(ImageFolderDataset source, (string Path, int Label)[] items)
    {
        this.items = items;
        ClassNames = source.ClassNames;
        skipBad = source.skipBad;
        badFiles = source.badFiles;
    }

    /// <summary>An evenly spaced subset of <paramref name="count"/> images (every class keeps its share).</summary>
    public ImageFolderDataset TakeEvenly(int count)
    {
        if (count >= items.Length)
            return this;
        var subset = Enumerable.Range(0, count).Select(i => items[(int)((long)i * items.Length / count)]).ToArray();
        return new ImageFolderDataset(this, subset);
    }

    public int Count => items.Length;
    public int Channels => 3;
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Distinct unreadable images met so far (only with skipBad): each file counts once, however many
    /// epochs.</summary>
    public int BadFiles => badFiles.Count;

    public ImageSample Get(int index)
    {
        for (int attempt = 0; attempt < items.Length; attempt++)
        {
            var (path, label) = items[(index + attempt) % items.Length];
            var pixels = TryDecode(path, out int h, out int w);
            if (pixels != null)
                return new ImageSample(pixels, 3, h, w, label);
            if (!skipBad)
                throw BadImageException.Undecodable(path);
            badFiles.TryAdd(path, true);
        }
        throw new LeanNetsException($"no readable image in the dataset ({items.Length} files)");
    }

    /// <summary>Decodes to RGB channel-major bytes, or null when the file is not a readable image.</summary>
    public static byte[]? TryDecode(string path, out int height, out int width)
    {
        height = width = 0;
        try
        {
            using var codec = SKCodec.Create(path);
            return Decode(codec, out height, out width);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Decodes an encoded image held in memory (an upload, a resource) to RGB channel-major bytes, or null
    /// when it is not a readable image.</summary>
    public static byte[]? TryDecode(byte[] encoded, out int height, out int width)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        return Decode(codec, out height, out width);
    }

    private static byte[]? Decode(SKCodec? codec, out int height, out int width)
    {
        height = width = 0;
        // Read the declared size first: decoding allocates width x height x 4 bytes.
        if (codec == null || (long)codec.Info.Width * codec.Info.Height is 0 or > MaxPixels)
            return null;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        // A truncated file decodes "successfully" into a partly grey picture unless the codec's result is read:
        // IncompleteInput (half a PNG, a third of a JPEG) makes it a bad file like any other.
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success)
            return null;
        (height, width) = (info.Height, info.Width);
        var bytes = bitmap.Bytes;
        int plane = height * width;
        var chw = new byte[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            chw[i] = bytes[4 * i];
            chw[plane + i] = bytes[4 * i + 1];
            chw[2 * plane + i] = bytes[4 * i + 2];
        }
        return chw;
    }
}
