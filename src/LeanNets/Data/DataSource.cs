namespace LeanNets.Data;

/// <summary>Recognises a data folder's format and loads its splits.</summary>
public static class DataSource
{
    /// <summary>Folder names accepted for the evaluation split of an image-folder dataset, in order (as
    /// timm).</summary>
    public static readonly IReadOnlyList<string> EvalSplitNames = ["val", "validation", "test"];

    public static DataFormat Detect(string folder)
    {
        if (!Directory.Exists(folder))
            throw new LeanNetsException($"data folder not found: {folder}");
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().ToHashSet();
        if (names.Any(n => n.Contains("-idx3-ubyte", StringComparison.Ordinal)))
            return DataFormat.Idx;
        if (names.Contains("data_batch_1.bin") || names.Contains("train.bin") || names.Contains("test_batch.bin"))
            return DataFormat.Cifar;
        if (EvalSplitNames.Prepend("train").Any(s => Directory.Exists(Path.Combine(folder, s))))
            return DataFormat.ImageFolder;
        throw new LeanNetsException(
            $"{folder}: not a recognised dataset (IDX files, CIFAR .bin files, or train/ and val/ image folders)"
        );
    }

    /// <summary>Loads a split; pass the <paramref name="format"/> already detected to skip detecting it
    /// again.</summary>
    /// <param name="limit">use only N images (0 = all): the first N of fixed-size data; an evenly spaced N of an
    /// image folder, so every class stays represented.</param>
    public static IImageDataset Load(
        string folder,
        bool train,
        bool skipBad = false,
        int limit = 0,
        DataFormat? format = null
    )
    {
        IImageDataset data = (format ?? Detect(folder)) switch
        {
            DataFormat.Idx => IdxReader.LoadSplit(folder, train),
            DataFormat.Cifar => CifarReader.LoadSplit(folder, train),
            _ => new ImageFolderDataset(ImageFolderSplit(folder, train), skipBad),
        };
        return limit <= 0
            ? data
            : data switch
            {
                InMemoryDataset memory => memory.Take(limit),
                ImageFolderDataset images => images.TakeEvenly(limit),
                _ => data,
            };
    }

    /// <summary>
    /// The training and evaluation splits of one dataset, checked to agree: the same class names in the same
    /// order (a renamed or missing class folder would silently shift labels).
    /// </summary>
    public static (DataFormat Format, IImageDataset Train, IImageDataset Test) LoadPair(
        string folder,
        bool skipBad = false,
        int limitTrain = 0,
        int limitTest = 0
    )
    {
        var format = Detect(folder);
        var train = Load(folder, train: true, skipBad, limitTrain, format);
        var test = Load(folder, train: false, skipBad, limitTest, format);
        RequireSameClasses(folder, train, test);
        return (format, train, test);
    }

    private static void RequireSameClasses(string folder, IImageDataset train, IImageDataset test)
    {
        if (train.ClassNames.SequenceEqual(test.ClassNames))
            return;
        var onlyTrain = train.ClassNames.Except(test.ClassNames).ToList();
        var onlyTest = test.ClassNames.Except(train.ClassNames).ToList();
        string detail =
            onlyTrain.Count + onlyTest.Count == 0
                ? "the same names in a different order"
                : $"only in training: {Describe(onlyTrain)}; only in evaluation: {Describe(onlyTest)}";
        throw new LeanNetsException($"{folder}: the training and evaluation splits have different classes ({detail})");
    }

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count == 0
            ? "none"
            : string.Join(", ", names.Take(5)) + (names.Count > 5 ? $" and {names.Count - 5} more" : "");

    private static string ImageFolderSplit(string folder, bool train)
    {
        if (train)
            return Path.Combine(folder, "train");
        foreach (var name in EvalSplitNames)
        {
            string path = Path.Combine(folder, name);
            if (Directory.Exists(path))
                return path;
        }
        throw new LeanNetsException($"{folder}: no evaluation split (a val/, validation/ or test/ folder)");
    }

    /// <summary>Distinct images skipped as unreadable so far (image folders read with skipBad), 0 for other
    /// formats.</summary>
    public static int SkippedImages(IImageDataset data) => data is ImageFolderDataset folder ? folder.BadFiles : 0;
}
