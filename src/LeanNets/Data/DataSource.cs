namespace LeanNets.Data;

/// <summary>Recognises a data folder's format and loads its train or test split.</summary>
public static class DataSource
{
    public enum Format { Idx, Cifar, ImageFolder }

    public static Format Detect(string folder)
    {
        if (!Directory.Exists(folder)) throw new LeanNetsException($"data folder not found: {folder}");
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().ToHashSet();
        if (names.Any(n => n.Contains("-idx3-ubyte", StringComparison.Ordinal))) return Format.Idx;
        if (names.Contains("data_batch_1.bin") || names.Contains("train.bin") || names.Contains("test_batch.bin")) return Format.Cifar;
        if (Directory.Exists(Path.Combine(folder, "train")) || Directory.Exists(Path.Combine(folder, "val"))) return Format.ImageFolder;
        throw new LeanNetsException($"{folder}: not a recognised dataset (IDX files, CIFAR .bin files, or train/ and val/ image folders)");
    }

    /// <summary>Loads a split; pass the <paramref name="format"/> already detected to skip detecting it again.</summary>
    public static IImageDataset Load(string folder, bool train, bool skipBad = false, int limit = 0, Format? format = null)
    {
        IImageDataset data = (format ?? Detect(folder)) switch
        {
            Format.Idx => IdxReader.LoadSplit(folder, train),
            Format.Cifar => CifarReader.LoadSplit(folder, train),
            _ => new ImageFolderDataset(Path.Combine(folder, train ? "train" : "val"), skipBad),
        };
        return limit > 0 && data is InMemoryDataset memory ? memory.Take(limit) : data;
    }

    /// <summary>Images skipped as unreadable so far (ImageFolder data with skipBad), 0 for other formats.</summary>
    public static int SkippedImages(IImageDataset data) => data is ImageFolderDataset folder ? folder.BadFiles : 0;

    /// <summary>The standard transforms for a format at a model input size.</summary>
    public static ImageTransform Transform(Format format, bool train, int size, int pad, bool flip) => format switch
    {
        Format.Idx => ImageTransform.FashionMnist(size, train, pad, flip),
        Format.Cifar => train ? ImageTransform.CifarTrain(size) with { Pad = pad, RandomCrop = pad > 0, HorizontalFlip = flip } : ImageTransform.CifarEval(size),
        _ => train ? ImageTransform.ImageNetTrain(size) with { HorizontalFlip = flip } : ImageTransform.ImageNetEval(size),
    };

    /// <summary>The input size when the user gives none: the images' own for fixed-size data, else 224.</summary>
    public static int DefaultSize(IImageDataset data) => data is InMemoryDataset fixedSize ? Math.Max(fixedSize.Height, fixedSize.Width) : 224;
}
