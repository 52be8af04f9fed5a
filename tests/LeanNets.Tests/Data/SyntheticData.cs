using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace LeanNets.Tests.Data;

/// <summary>Small datasets written by the tests themselves, in each real on-disk format.</summary>
internal static class SyntheticData
{
    public static byte[] IdxImages(int count, int h, int w, Func<int, int, int, byte> pixel)
    {
        var bytes = new byte[16 + count * h * w];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), h);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), w);
        for (int n = 0; n < count; n++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    bytes[16 + (n * h + y) * w + x] = pixel(n, y, x);
        return bytes;
    }

    public static byte[] IdxLabels(int[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        for (int i = 0; i < labels.Length; i++)
            bytes[8 + i] = (byte)labels[i];
        return bytes;
    }

    public static void WriteGzip(string path, byte[] content)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(content);
    }

    /// <summary>A learnable toy task in IDX layout: class c is a bright square at a class-specific place.</summary>
    public static void WriteToyIdx(string folder, int train, int test, int classes = 4, int size = 12)
    {
        Directory.CreateDirectory(folder);
        foreach (var (prefix, count) in new[] { ("train", train), ("t10k", test) })
        {
            var labels = Enumerable.Range(0, count).Select(i => (i * 7 + prefix.Length) % classes).ToArray();
            var rng = new Random(count);
            var noise = Enumerable.Range(0, count * size * size).Select(_ => (byte)rng.Next(40)).ToArray();
            WriteGzip(
                Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"),
                IdxImages(
                    count,
                    size,
                    size,
                    (n, y, x) =>
                    {
                        int c = labels[n],
                            cy = 2 + (c / 2) * 5,
                            cx = 2 + (c % 2) * 5;
                        return y >= cy && y < cy + 4 && x >= cx && x < cx + 4
                            ? (byte)220
                            : noise[(n * size + y) * size + x];
                    }
                )
            );
            WriteGzip(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), IdxLabels(labels));
        }
    }

    public static void WritePng(string path, int w, int h, SKColor color)
    {
        using var bitmap = new SKBitmap(w, h);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
