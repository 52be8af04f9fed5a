using System.Globalization;
using LeanNets.Data;
using LeanNets.Data.Detection;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Training.Tasks;

/// <summary>
/// Object detection: a VOC-layout folder (a training split and an evaluation split), a registry YOLO-V3,
/// letterboxed inputs with <see cref="DetectionAugmentation"/>, <see cref="YoloLoss"/>; scored by VOC mAP@0.5
/// (11-point), with the all-point mAP beside it.
/// </summary>
public sealed class DetectionTask : ITrainingTask
{
    public const string BoxLoss = "box_loss",
        ObjectLoss = "object_loss",
        ClassLoss = "class_loss",
        Map07 = "map07",
        MapArea = "map_area",
        MapCoco = "map_coco";

    private readonly VocDataset train, eval;
    private readonly DetectionBatches trainBatches, evalBatches;
    private readonly DetectionAugmentation augmentation;
    private YoloLoss? loss;

    // The sides a training batch may have (the input size alone without multi-scale training).
    private readonly int[] sides;

    internal DetectionTask(TrainOptions options)
    {
        YoloLayout.RequireInputSize(options.InputSize);
        augmentation = options.DetectionAugment ?? new DetectionAugmentation();
        augmentation.Validate();
        train = VocDataset.Load([options.Data], options.TrainSplit ?? "train", skipBad: options.SkipBad);
        // No evaluation split in the data: a seeded tenth of the training images, recorded as "auto" with the seed,
        // so a resume holds out the same images.
        string evalSplit = options.EvalSplit
            ?? (VocDataset.HasSplit([options.Data], "val") ? "val" : VocDataset.AutoSplit);
        if (evalSplit == VocDataset.AutoSplit)
        {
            var (kept, heldOut) = train.HoldOut(options.Seed);
            (train, eval) = (kept, heldOut);
        }
        else
            eval = VocDataset.Load([options.Data], evalSplit, train.ClassNames, options.SkipBad);
        if (options.InChannels is int channels && channels != 3)
            throw new LeanNetsUsageException($"{channels} input channels asked for but a detector takes RGB (3)");
        if (options.Classes is int classes && classes != train.ClassNames.Count)
            throw new LeanNetsUsageException($"{classes} classes asked for but the data has {train.ClassNames.Count}");
        if (augmentation.CloseMosaic >= options.Epochs)
            throw new LeanNetsUsageException(
                $"--close-mosaic {augmentation.CloseMosaic} leaves no epoch of the {options.Epochs} with mosaics");
        if (augmentation.MosaicChance > 0 && train.Count < 4)
            throw new LeanNetsUsageException(
                $"--mosaic needs at least 4 training images to make one of, and the data has {train.Count}");
        var notes = new List<string>();
        if (evalSplit == VocDataset.AutoSplit)
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the data has no evaluation split: {eval.Count} of its {train.Count + eval.Count} training images "
                    + $"({100 * VocDataset.HeldOutShare:F0}%) are held out for it, chosen by seed {options.Seed}"));
        var anchors = options.Anchors;
        if (options.FitAnchors && anchors == null)
        {
            var fit = AnchorFit.Fit(AnchorFit.BoxSizes(train, options.InputSize), YoloLayout.DefaultAnchors.Count,
                options.Seed);
            anchors = [.. fit.Anchors.Select(a => new[] { a.Width, a.Height })];
            string sizes = string.Join(" ", fit.Anchors.Select(a => FormattableString.Invariant(
                $"{a.Width:F0}x{a.Height:F0}")));
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"anchors fitted to {fit.Boxes} training boxes at {options.InputSize} px (k-means, 1 - IoU): {sizes}; "
                    + $"mean best IoU {fit.MeanIou:F3} (yolov3.cfg's anchors: {fit.DefaultMeanIou:F3})"));
        }
        if (augmentation.CloseMosaic > 0)
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"mosaics (chance {augmentation.MosaicChance:0.##}) in epochs "
                    + $"1-{options.Epochs - augmentation.CloseMosaic}, whole pictures in the last "
                    + $"{augmentation.CloseMosaic}"));
        sides = MultiScaleSides(options.InputSize, augmentation.MultiScale);
        if (sides.Length > 1)
            notes.Add($"multi-scale training: each batch at {string.Join(", ", sides)} px, drawn at random");
        var normalisation = Normalisation(options, notes);
        Notes = notes;
        trainBatches = new DetectionBatches(train, options.InputSize, options.SkipBad, normalisation);
        evalBatches = new DetectionBatches(eval, options.InputSize, options.SkipBad, normalisation);
        Options = options with
        {
            Classes = train.ClassNames.Count,
            InChannels = 3,
            EvalSplit = evalSplit,
            Anchors = anchors,
            Mean = options.InitFrom != null ? normalisation.Mean : null,
            Std = options.InitFrom != null ? normalisation.Std : null,
        };
        // Letterboxed on grey, then normalised: what the detector's card says.
        Input = new DataConfig(options.InputSize, 3, normalisation.Mean, normalisation.Std, Augmentation.None, 0,
            augmentation.Flip);
    }

    /// <summary>RGB / 255 from scratch; a backbone started from pretrained weights keeps its training's
    /// normalisation (<see cref="FineTuning.StartingNormalisation"/>).</summary>
    private static DetectorInput Normalisation(TrainOptions options, List<string> notes)
    {
        if (FineTuning.StartingNormalisation(options, 3) is not (var mean, var std, var note))
            return DetectorInput.Unit;
        if (note != null)
            notes.Add(note);
        return new DetectorInput(mean, std);
    }

    /// <summary>The defaults of a detector run: SGD with Nesterov momentum, one warmup epoch (a from-scratch
    /// detector starts with huge objectness losses), cosine decay, gradient norm clipped to 10.</summary>
    public static TrainOptions Defaults(string model, string data) =>
        new()
        {
            Task = ModelCard.Detect,
            Model = model,
            Data = data,
            Epochs = 30,
            BatchSize = 8,
            InputSize = DetectorRegistry.DefaultInputSize,
            LearningRate = 0.01,
            Momentum = 0.9,
            Nesterov = true,
            WeightDecay = 5e-4,
            WarmupEpochs = 1,
            ClipGradNorm = 10,
            Prefetch = 0,
            Recipe = "detection",
        };

    public static nn.Module<Tensor, Tensor> Create(TrainOptions o) =>
        DetectorRegistry.Get(o.Model).Create(o.Classes, o.InChannels, o.Anchors);

    /// <summary>The classification settings a detector run does not take, named as the command line names them,
    /// each with how the options show it was set: the one list, checked when the options are validated (so for a
    /// request from the command line and for options built in code alike).</summary>
    private static readonly (string Setting, Func<TrainOptions, bool> IsSet)[] ClassifierOnly =
    [
        ("--label-smoothing", o => o.LabelSmoothing != 0),
        ("--augment", o => o.Augment != Augmentation.None),
        ("--pad", o => o.Pad != 0),
        ("--limit-train", o => o.LimitTrain != 0),
        ("--limit-test", o => o.LimitTest != 0),
    ];

    /// <summary>Refuses a classification setting given to a detector run, naming it.</summary>
    internal static void RefuseClassifierSettings(TrainOptions options)
    {
        if (ClassifierOnly.FirstOrDefault(c => c.IsSet(options)).Setting is string unused)
            throw new LeanNetsUsageException($"{unused} is not used when training a detector");
    }

    public TrainOptions Options { get; }
    public IReadOnlyList<string> Notes { get; }
    public IReadOnlyList<string> ClassNames => train.ClassNames;
    public DataConfig Input { get; }
    public int LargestTrainingSide => sides[^1];

    /// <summary>The multiples of the stride in [(1 - spread) S, (1 + spread) S], S included; at least one
    /// stride.</summary>
    internal static int[] MultiScaleSides(int size, double spread) =>
        [.. Enumerable.Range(1, (int)Math.Floor((1 + spread) * size / YoloLayout.Strides[0]))
            .Select(k => k * YoloLayout.Strides[0]).Where(s => s >= (1 - spread) * size || s == size)];

    public int BatchesPerEpoch => (trainBatches.Count + Options.BatchSize - 1) / Options.BatchSize;
    public int SkippedImages => train.Skipped + eval.Skipped + trainBatches.Skipped + evalBatches.Skipped;

    public nn.Module<Tensor, Tensor> CreateModel() => Create(Options);

    public string InitializeFrom(nn.Module<Tensor, Tensor> model, string path) =>
        FineTuning.InitializeFrom(model, Options.Model, path, YoloV3.IsClassDependent, YoloV3.IsBackbone).Describe();

    public IEnumerable<ITrainingBatch> Epoch(int epoch, CancellationToken cancel)
    {
        // The sides come from their own generator, so the pictures' draws are those of a run without them.
        var rng = new Random(StableSeed.Mix(Options.Seed, epoch, -2));
        return trainBatches.Epoch(Options.BatchSize, augmentation.ForEpoch(epoch, Options.Epochs),
                Options.Seed + epoch + 1)
            .Select(b => new Boxes(b, sides[rng.Next(sides.Length)]));
    }

    public BatchLoss Loss(nn.Module<Tensor, Tensor> model, ITrainingBatch batch)
    {
        var boxes = (Boxes)batch;
        var (b, side) = (boxes.Batch, boxes.Side);
        loss ??= YoloLoss.For((YoloV3)model);
        // Multi-scale: the letterboxed batch resized (bilinear, as Ultralytics resizes it), its boxes with it; the
        // engine's dispose scope takes the resized copy.
        bool resized = side != Options.InputSize;
        var images = resized
            ? nn.functional.interpolate(b.Images, [side, side], mode: InterpolationMode.Bilinear, align_corners: false)
            : b.Images;
        var terms = loss.Compute(model.call(images), resized ? Scaled(b.Targets, side) : b.Targets, side);
        return new BatchLoss(terms.Total, [(BoxLoss, terms.Box), (ObjectLoss, terms.Objectness),
            (ClassLoss, terms.Class)]);
    }

    public TaskEvaluation Evaluate(nn.Module<Tensor, Tensor> model, int epoch)
    {
        var maps = DetectorScore.Evaluate(model, ((YoloV3)model).Anchors, evalBatches, Options.InputSize,
            ClassNames.Count);
        return new TaskEvaluation([(Map07, maps.Voc07.Map), (MapArea, maps.Area.Map), (MapCoco, maps.Coco.Map)],
            maps.Voc07.Map, maps);
    }

    public Tensor SampleImages()
    {
        using var first = trainBatches.Epoch(Math.Min(16, trainBatches.Count), null, 0).First();
        return first.Images.clone();
    }

    public string Describe(EpochMetrics m) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}/{Options.Epochs}: loss {m.TrainLoss:F3} (box {m[BoxLoss]:F3}, obj {m[ObjectLoss]:F3}, "
                + $"cls {m[ClassLoss]:F3}), mAP@0.5 {100 * m[Map07]:F1}% (VOC07) {100 * m[MapArea]:F1}% (area)"
                + $"{(m.Values.TryGetValue(MapCoco, out double coco) ? $", mAP@[.5:.95] {100 * coco:F1}%" : "")}"
                + $"{(m.EmaScore is double e ? $" EMA {100 * e:F1}%" : "")}, {m.Seconds:F0}s"
        );

    public void Dispose() { }

    /// <summary>Targets in a batch resized from the input size to <paramref name="side"/>.</summary>
    private IReadOnlyList<IReadOnlyList<TargetBox>> Scaled(IReadOnlyList<IReadOnlyList<TargetBox>> targets, int side)
    {
        float k = (float)side / Options.InputSize;
        return [.. targets.Select(image => (IReadOnlyList<TargetBox>)[.. image.Select(t => t with
        {
            Box = new BoundingBox(t.Box.X1 * k, t.Box.Y1 * k, t.Box.X2 * k, t.Box.Y2 * k),
        })])];
    }

    private sealed class Boxes(DetectionBatch batch, int side) : ITrainingBatch
    {
        public DetectionBatch Batch => batch;
        public int Side => side;
        public int Count => batch.Ids.Count;

        public void Dispose() => batch.Dispose();
    }
}
