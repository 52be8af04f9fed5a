using System.Buffers.Binary;
using System.IO.Compression;

namespace LeanNets.Data;

/// <summary>
/// Reads MNIST-style IDX files (plain or gzip): big-endian magic 0x0803 (images, uint8 N x H x W) or
/// 0x0801 (labels, uint8 N). Every problem is reported as one line naming the file.
/// </summary>
public static class IdxReader
{
    public static readonly IReadOnlyList<string> FashionMnistClasses =
    [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ];

    /// <summary>Loads an images file and its labels file as one dataset.</summary>
    public static InMemoryDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null)
    {
        var (pixels, count, height, width) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new LeanNetsException($"{labelsPath}: {labels.Length} labels for {count} images in {imagesPath}");
        int classes = classNames?.Count ?? labels.Max() + 1;
        int bad = Array.FindIndex(labels, l => l >= classes);
        if (bad >= 0)
            throw new LeanNetsException(
                $"{labelsPath}: label {labels[bad]} at index {bad} is out of range 0..{classes - 1}"
            );
        classNames ??= Enumerable.Range(0, classes).Select(i => i.ToString()).ToList();
        return new InMemoryDataset(pixels, labels, 1, height, width, classNames);
    }

    /// <summary>Finds train/test IDX pairs (t10k for test) in a folder, as Fashion-MNIST and MNIST ship them.</summary>
    public static InMemoryDataset LoadSplit(string folder, bool train)
    {
        if (!Directory.Exists(folder))
            throw new LeanNetsException($"data folder not found: {folder}");
        string prefix = train ? "train" : "t10k";
        string images = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labels = Find(folder, $"{prefix}-labels-idx1-ubyte");
        bool fashion = folder.Contains("fashion", StringComparison.OrdinalIgnoreCase);
        return Load(images, labels, fashion ? FashionMnistClasses : null);
    }

    private static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem, stem + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
                return path;
        }
        throw new LeanNetsException($"{folder}: no {stem} or {stem}.gz file");
    }

    public static (byte[] Pixels, int Count, int Height, int Width) ReadImages(string path)
    {
        var data = ReadAll(path);
        int[] dims = Header(path, data, 0x0803, 3);
        long size = (long)dims[0] * dims[1] * dims[2];
        int offset = 4 + 4 * 3;
        if (data.Length - offset != size)
            throw new LeanNetsException(
                $"{path}: truncated or padded IDX file: {data.Length - offset} data bytes, header says {size}"
            );
        return (data[offset..], dims[0], dims[1], dims[2]);
    }

    public static int[] ReadLabels(string path)
    {
        var data = ReadAll(path);
        int[] dims = Header(path, data, 0x0801, 1);
        int offset = 8;
        if (data.Length - offset != dims[0])
            throw new LeanNetsException(
                $"{path}: truncated or padded IDX file: {data.Length - offset} labels, header says {dims[0]}"
            );
        return data[offset..].Select(b => (int)b).ToArray();
    }

    private static int[] Header(string path, byte[] data, int magic, int rank)
    {
        if (data.Length < 4 + 4 * rank)
            throw new LeanNetsException($"{path}: too short for an IDX header ({data.Length} bytes)");
        int found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic)
            throw new LeanNetsException($"{path}: wrong IDX magic number 0x{found:x8}, expected 0x{magic:x8}");
        var dims = Enumerable
            .Range(0, rank)
            .Select(i => BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * i)))
            .ToArray();
        if (dims.Any(d => d <= 0))
            throw new LeanNetsException($"{path}: bad IDX dimensions {string.Join("x", dims)}");
        return dims;
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"file not found: {path}");
        try
        {
            using var file = File.OpenRead(path);
            bool gzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream source = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            source.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new LeanNetsException($"{path}: corrupt gzip data ({e.Message})", e);
        }
    }
}
