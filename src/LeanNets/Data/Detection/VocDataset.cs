using LeanNets.Models.Detection;

namespace LeanNets.Data.Detection;

/// <summary>
/// A detection split. In PASCAL VOC's layout <c>ImageSets/Main/SPLIT.txt</c> lists the image ids,
/// <c>Annotations/ID.xml</c> holds their objects, <c>JPEGImages/</c> the images; a folder in Ultralytics' YOLO
/// layout (<see cref="YoloLabels"/>) or COCO's (<see cref="CocoAnnotations"/>) is read into the same
/// annotations. Several roots combine (VOC2007 + VOC2012
/// trainval, as the papers train). Classes come from the caller, else a YOLO data file, else, sorted, from the
/// split's annotations.
/// </summary>
public sealed class VocDataset
{
    /// <summary>PASCAL VOC's 20 classes in the devkit's order.</summary>
    public static readonly IReadOnlyList<string> VocClasses =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog",
        "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    private VocDataset(IReadOnlyList<(string Root, VocAnnotation Annotation)> items, IReadOnlyList<string> classes,
        int skipped)
    {
        Items = items;
        ClassNames = classes;
        Skipped = skipped;
    }

    public IReadOnlyList<(string Root, VocAnnotation Annotation)> Items { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Images left out by <c>skipBad</c> (bad annotation or missing image).</summary>
    public int Skipped { get; }

    public int Count => Items.Count;

    public string ImagePath(int index) =>
        Path.Combine(Items[index].Root, "JPEGImages", Items[index].Annotation.FileName);

    /// <param name="classes">the class list (null: the sorted names found in the split).</param>
    /// <param name="skipBad">skip images whose annotation is bad or whose file is missing, counting them,
    /// instead of stopping at the first.</param>
    public static VocDataset Load(IEnumerable<string> roots, string split, IReadOnlyList<string>? classes = null,
        bool skipBad = false)
    {
        var items = new List<(string, VocAnnotation)>();
        int skipped = 0;
        foreach (string root in roots)
        {
            if (CocoAnnotations.IsCocoLayout(root))
            {
                classes ??= CocoAnnotations.ClassNames(root, split);
                var (annotations, bad) = CocoAnnotations.Read(root, split, classes, skipBad);
                items.AddRange(annotations.Select(a => (root, a)));
                skipped += bad;
                continue;
            }
            if (YoloLabels.IsYoloLayout(root))
            {
                classes ??= YoloLabels.ClassNames(root);
                foreach (string picture in YoloLabels.Pictures(root, split))
                {
                    try
                    {
                        items.Add((root, YoloLabels.Read(picture, root, classes)));
                    }
                    catch (Exception e) when (skipBad && e is LeanNetsException or IOException)
                    {
                        skipped++;
                    }
                }
                continue;
            }
            string list = Path.Combine(root, "ImageSets", "Main", split + ".txt");
            if (!File.Exists(list))
                throw new LeanNetsException($"{root}: no ImageSets/Main/{split}.txt (not a VOC folder?)");
            foreach (string line in File.ReadLines(list))
            {
                string id = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                if (id.Length == 0)
                    continue;
                try
                {
                    var annotation = VocAnnotation.Read(Path.Combine(root, "Annotations", id + ".xml"));
                    string image = Path.Combine(root, "JPEGImages", annotation.FileName);
                    if (!File.Exists(image))
                        throw new LeanNetsException($"{image}: image of annotation {id} not found");
                    items.Add((root, annotation));
                }
                catch (Exception e) when (skipBad && e is LeanNetsException or IOException)
                {
                    skipped++;
                }
            }
        }
        if (items.Count == 0)
            throw new LeanNetsException($"no usable images in split '{split}' of {string.Join(", ", roots)}");
        var names = classes ?? items.SelectMany(i => i.Item2.Objects).Select(o => o.Name).Distinct()
            .Order(StringComparer.Ordinal).ToList();
        var unknown = items.SelectMany(i => i.Item2.Objects).Select(o => o.Name).Except(names).FirstOrDefault();
        if (unknown != null)
            throw new LeanNetsException($"class '{unknown}' in the annotations is not in the class list");
        return new VocDataset(items, names, skipped);
    }

    /// <summary>True when every root has the split (VOC: its id list; YOLO: its picture folder).</summary>
    public static bool HasSplit(IEnumerable<string> roots, string split) =>
        roots.All(r => CocoAnnotations.IsCocoLayout(r) ? CocoAnnotations.HasSplit(r, split)
            : YoloLabels.IsYoloLayout(r) ? YoloLabels.HasSplit(r, split)
            : File.Exists(Path.Combine(r, "ImageSets", "Main", split + ".txt")));

    /// <summary>The evaluation split's name that asks for a held-out part of the training split
    /// (<see cref="HoldOut"/>), used when the data has no evaluation split of its own.</summary>
    public const string AutoSplit = "auto";

    /// <summary>The share of the training images <see cref="HoldOut"/> keeps for evaluation (Ultralytics'
    /// autosplit holds out the same tenth).</summary>
    public const double HeldOutShare = 0.1;

    /// <summary>
    /// This set split in two, the same way for the same data and seed: the images in id order, shuffled by
    /// <paramref name="seed"/>, a tenth (at least one) held out for evaluation and the rest kept for training.
    /// A set of one image cannot be split and says so.
    /// </summary>
    public (VocDataset Kept, VocDataset HeldOut) HoldOut(long seed)
    {
        if (Count < 2)
            throw new LeanNetsException(
                $"the data has no evaluation split and {Count} training image: at least 2 are needed to hold one out");
        var order = Items.OrderBy(i => i.Annotation.Id, StringComparer.Ordinal)
            .ThenBy(i => i.Root, StringComparer.Ordinal).ToArray();
        new Random(StableSeed.Mix(seed, Count, 0)).Shuffle(order);
        int held = Math.Clamp((int)Math.Round(Count * HeldOutShare), 1, Count - 1);
        return (new VocDataset(order[held..], ClassNames, Skipped), new VocDataset(order[..held], ClassNames, 0));
    }

    /// <summary>The annotated objects with class indices, as the mAP metric takes them.</summary>
    public IEnumerable<LabelledObject> Truth() =>
        Items.SelectMany(i => i.Annotation.Objects.Select(o => new LabelledObject(
            i.Annotation.Id, IndexOf(o.Name), o.Box, o.Difficult)));

    public int IndexOf(string className)
    {
        for (int i = 0; i < ClassNames.Count; i++)
        {
            if (ClassNames[i] == className)
                return i;
        }
        throw new LeanNetsException($"unknown class '{className}'");
    }
}
