namespace LeanNets.Data;

/// <summary>
/// Reads the CIFAR binary distributions: CIFAR-10 records are [label, 3072 pixels] (data_batch_1..5.bin,
/// test_batch.bin); CIFAR-100 records are [coarse, fine, 3072 pixels] (train.bin, test.bin).
/// </summary>
public static class CifarReader
{
    private const int ImageBytes = 3 * 32 * 32;

    public static readonly IReadOnlyList<string> Cifar10Classes =
    [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ];

    /// <summary>Loads a split from a CIFAR-10 or CIFAR-100 binary folder (detected from its file names).</summary>
    public static InMemoryDataset LoadSplit(string folder, bool train)
    {
        if (!Directory.Exists(folder))
            throw new LeanNetsException($"data folder not found: {folder}");
        if (File.Exists(Path.Combine(folder, "train.bin")) || File.Exists(Path.Combine(folder, "test.bin")))
            return Load([Path.Combine(folder, train ? "train.bin" : "test.bin")], labelBytes: 2, classes: 100);
        var files = train
            ? Enumerable.Range(1, 5).Select(i => Path.Combine(folder, $"data_batch_{i}.bin")).ToArray()
            : [Path.Combine(folder, "test_batch.bin")];
        return Load(files, labelBytes: 1, classes: 10);
    }

    /// <param name="labelBytes">1 for CIFAR-10; 2 for CIFAR-100 (coarse then fine; the fine label is used).</param>
    public static InMemoryDataset Load(IReadOnlyList<string> files, int labelBytes, int classes)
    {
        int record = labelBytes + ImageBytes;
        var pixels = new List<byte[]>();
        var labels = new List<int>();
        foreach (var path in files)
        {
            if (!File.Exists(path))
                throw new LeanNetsException($"file not found: {path}");
            var data = File.ReadAllBytes(path);
            if (data.Length == 0 || data.Length % record != 0)
                throw new LeanNetsException(
                    $"{path}: {data.Length} bytes is not a whole number of {record}-byte CIFAR records (truncated "
                    + $"or wrong format)"
                );
            for (int offset = 0; offset < data.Length; offset += record)
            {
                int label = data[offset + labelBytes - 1];
                if (label >= classes)
                    throw new LeanNetsException(
                        $"{path}: label {label} of record {offset / record} is out of range 0..{classes - 1}"
                    );
                labels.Add(label);
                pixels.Add(data.AsSpan(offset + labelBytes, ImageBytes).ToArray());
            }
        }
        var names = classes == 10 ? Cifar10Classes : Enumerable.Range(0, classes).Select(i => i.ToString()).ToList();
        return new InMemoryDataset(pixels.SelectMany(p => p).ToArray(), labels.ToArray(), 3, 32, 32, names);
    }
}
