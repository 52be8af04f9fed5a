using System.Buffers.Binary;
using System.IO.Compression;
using LeanNets.Data;

namespace LeanNets.Tests.Data;

/// <summary>Bad data is caught before training: oversized images, mismatched splits, limits for every format.</summary>
public class DataValidationTests
{
    /// <summary>A tiny, valid PNG whose header declares <paramref name="side"/> x side pixels of RGB.</summary>
    internal static byte[] PngDeclaring(int side)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", ihdr);
        using (var compressed = new MemoryStream())
        {
            using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[64]);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var crcInput = header[4..].Concat(data).ToArray();
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(crcInput));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    private static string ImageFolders(TempFolder dir, string[] trainClasses, string[] evalClasses,
        string evalName = "val")
    {
        string root = Path.Combine(dir.Path, "data");
        foreach (var (split, classes) in new[] { ("train", trainClasses), (evalName, evalClasses) })
        {
            foreach (var (cls, i) in classes.Select((c, i) => (c, i)))
            {
                string folder = Path.Combine(root, split, cls);
                Directory.CreateDirectory(folder);
                for (int n = 0; n < 5; n++)
                {
                    var color = new SkiaSharp.SKColor((byte)(40 * i), 0, 0);
                    SyntheticData.WritePng(Path.Combine(folder, $"{n}.png"), 8, 8, color);
                }
            }
        }
        return root;
    }

    [Fact]
    public void AnImageDeclaringHugeDimensionsIsBadBeforeItIsDecoded()
    {
        using var dir = new TempFolder();
        var png = PngDeclaring(100_000);
        Assert.True(png.Length < 120, $"{png.Length} bytes");
        File.WriteAllBytes(dir.File("huge.png"), png);
        Assert.Null(ImageFolderDataset.TryDecode(dir.File("huge.png"), out _, out _));
        File.WriteAllBytes(dir.File("small.png"), PngDeclaring(4));
        Assert.NotNull(ImageFolderDataset.TryDecode(dir.File("small.png"), out int h, out _));
        Assert.Equal(4, h);
    }

    [Fact]
    public void SplitsWithDifferentClassFoldersAreRefused()
    {
        using var dir = new TempFolder();
        string root = ImageFolders(dir, ["cat", "dog"], ["cat", "dgo"]);
        var e = Assert.Throws<LeanNetsException>(() => DataSource.LoadPair(root));
        Assert.Contains("only in training: dog", e.Message);
        Assert.Contains("only in evaluation: dgo", e.Message);
    }

    [Theory]
    [InlineData("val")]
    [InlineData("validation")]
    [InlineData("test")]
    public void EvaluationSplitMayBeValValidationOrTest(string name)
    {
        using var dir = new TempFolder();
        string root = ImageFolders(dir, ["a", "b"], ["a", "b"], name);
        var (format, train, test) = DataSource.LoadPair(root);
        Assert.Equal(DataFormat.ImageFolder, format);
        Assert.Equal(10, train.Count);
        Assert.Equal(10, test.Count);
    }

    [Fact]
    public void LimitsApplyToImageFoldersAndKeepEveryClass()
    {
        using var dir = new TempFolder();
        string root = ImageFolders(dir, ["a", "b", "c"], ["a", "b", "c"]);
        var (_, train, test) = DataSource.LoadPair(root, limitTrain: 6, limitTest: 3);
        Assert.Equal(6, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(i => test.Get(i).Label));
    }

    [Fact]
    public void AugmentationIsAnOptionForEveryFormat()
    {
        using var dir = new TempFolder();
        string root = ImageFolders(dir, ["a"], ["a"]);
        var data = DataSource.Load(root, train: true);
        var cifar = DataConfig.Resolve(DataFormat.ImageFolder, data, 32, Augmentation.Cifar, 4, true, 224)
            .TrainTransform();
        Assert.True(cifar is { RandomCrop: true, Pad: 4, HorizontalFlip: true, RandomResizedCrop: false });
        var imagenet = DataConfig.Resolve(DataFormat.ImageFolder, data, 32, Augmentation.ImageNet, 0, true, 224);
        Assert.True(imagenet.TrainTransform().RandomResizedCrop);
        Assert.True(imagenet.EvalTransform().ResizeShorter > 0);
        var none = DataConfig.Resolve(DataFormat.Idx, SyntheticDataset(), 0, Augmentation.None, 2, false, 224)
            .TrainTransform();
        Assert.True(none is { RandomCrop: true, Pad: 2, HorizontalFlip: false, RandomResizedCrop: false });
    }

    private static InMemoryDataset SyntheticDataset() => new(new byte[2 * 28 * 28], [0, 1], 1, 28, 28, ["x", "y"]);
}
