using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Data.Detection;

/// <summary>A batch for a detector: images [N, 3, S, S] (RGB scaled to 0..1 and normalised by the detector's
/// <see cref="DetectorInput"/>) and each image's boxes in input pixels.</summary>
public sealed record DetectionBatch(
    Tensor Images,
    IReadOnlyList<IReadOnlyList<TargetBox>> Targets,
    IReadOnlyList<string> Ids
) : IDisposable
{
    public void Dispose() => Images.Dispose();
}

/// <summary>
/// Letterboxed batches of a VOC split: each image is scaled to fit size x size keeping its aspect ratio and
/// centred on grey, its boxes moved with it; training adds <see cref="DetectionAugmentation"/>. Images
/// are decoded once and kept letterboxed in memory, which suits the small sets this runs on (raccoon,
/// synthetic shapes); VOC-sized sets want a streaming loader.
/// </summary>
public sealed class DetectionBatches
{
    private readonly VocDataset data;
    private readonly int size;
    private readonly DetectorInput input;
    private readonly List<(byte[] Pixels, LabelledObject[] Objects, string Id)> letterboxed = [];
    private readonly Dictionary<string, float> scales = [];

    /// <param name="skipBad">leave out unreadable (or truncated) pictures, counting them in
    /// <see cref="Skipped"/>, instead of stopping at the first.</param>
    /// <param name="input">the detector's normalisation (null: RGB / 255).</param>
    public DetectionBatches(VocDataset data, int size, bool skipBad = false, DetectorInput? input = null)
    {
        this.data = data;
        this.size = size;
        this.input = input ?? DetectorInput.Unit;
        for (int i = 0; i < data.Count; i++)
        {
            string path = data.ImagePath(i);
            var pixels = ImageFolderDataset.TryDecode(path, out int h, out int w);
            if (pixels == null)
            {
                if (!skipBad)
                    throw new BadImageException($"{path}: unreadable, truncated or oversized image");
                Skipped++;
                continue;
            }
            var annotation = data.Items[i].Annotation;
            var (letterbox, objects) = Letterbox(pixels, h, w, annotation);
            letterboxed.Add((letterbox, objects, annotation.Id));
            scales[annotation.Id] = Data.Detection.Letterbox.Fit(h, w, size).Scale;
        }
        if (letterboxed.Count == 0)
            throw new LeanNetsException($"no readable picture among the {data.Count} of the split");
    }

    public int Count => letterboxed.Count;

    /// <summary>Pictures left out as unreadable (with skipBad).</summary>
    public int Skipped { get; }

    /// <summary>The batches of one epoch, in order; training passes an augmentation, which shuffles the order
    /// and transforms every image with the epoch's seed.</summary>
    public IEnumerable<DetectionBatch> Epoch(int batchSize, DetectionAugmentation? augment, long seed)
    {
        var rng = new Random(unchecked((int)(seed * 7919 + 17)));
        var order = Enumerable.Range(0, Count).ToArray();
        if (augment != null)
            rng.Shuffle(order);
        int plane = size * size;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var indices = order.Skip(start).Take(batchSize).ToArray();
            var images = new float[indices.Length * 3 * plane];
            var targets = new List<IReadOnlyList<TargetBox>>();
            for (int b = 0; b < indices.Length; b++)
            {
                var (pixels, objects, _) = letterboxed[indices[b]];
                var boxes = Targets(objects);
                var image = images.AsSpan(b * 3 * plane, 3 * plane);
                if (augment == null)
                {
                    for (int i = 0; i < image.Length; i++)
                        image[i] = pixels[i] / 255f;
                    input.Apply(image);
                    targets.Add(boxes.ToArray());
                    continue;
                }
                var (source, sourceBoxes) = (pixels, boxes);
                if (augment.MosaicChance > 0 && rng.NextDouble() < augment.MosaicChance)
                {
                    var tiles = new[] { indices[b], rng.Next(Count), rng.Next(Count), rng.Next(Count) }
                        .Select(i => (letterboxed[i].Pixels, Targets(letterboxed[i].Objects))).ToList();
                    int quarter = size / 4;
                    (source, var mosaicBoxes) = augment.Mosaic(tiles, size, quarter + rng.Next(2 * quarter + 1),
                        quarter + rng.Next(2 * quarter + 1), Data.Detection.Letterbox.Grey);
                    sourceBoxes = mosaicBoxes;
                }
                var draw = augment.Sample(rng, size);
                DetectionAugmentation.Apply(draw, source, size, Data.Detection.Letterbox.Grey, image);
                input.Apply(image);
                targets.Add(augment.Apply(draw, sourceBoxes, size).ToArray());
            }
            var ids = indices.Select(i => letterboxed[i].Id).ToList();
            yield return new DetectionBatch(tensor(images, [indices.Length, 3, size, size]), targets, ids);
        }
    }

    /// <summary>The objects a detector is trained to find (VOC's difficult ones are not asked for).</summary>
    private static IEnumerable<TargetBox> Targets(LabelledObject[] objects) =>
        objects.Where(o => !o.Difficult).Select(o => new TargetBox(o.Class, o.Box));

    /// <summary>Every annotated object (difficult ones included, for the metric) in input pixels.</summary>
    public IEnumerable<LabelledObject> Truth() => letterboxed.SelectMany(l => l.Objects);

    /// <summary>The area in the original picture's pixels of a box in an image's input pixels (COCO's object
    /// sizes are the original's).</summary>
    public double OriginalArea(string image, BoundingBox box) => box.Area / Math.Pow(scales[image], 2);

    private (byte[], LabelledObject[]) Letterbox(byte[] chw, int h, int w, VocAnnotation annotation)
    {
        var (scale, padX, padY) = Data.Detection.Letterbox.Fit(h, w, size);
        var output = Data.Detection.Letterbox.Pixels(chw, h, w, size);
        var objects = annotation
            .Objects.Select(o => new LabelledObject(
                annotation.Id,
                data.IndexOf(o.Name),
                new BoundingBox(
                    o.Box.X1 * scale + padX,
                    o.Box.Y1 * scale + padY,
                    o.Box.X2 * scale + padX,
                    o.Box.Y2 * scale + padY
                ),
                o.Difficult
            ))
            .ToArray();
        return (output, objects);
    }
}
