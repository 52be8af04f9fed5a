namespace LeanNets.Models.Detection;

/// <summary>Turns YOLO-V3's raw output into boxes: sigmoid offsets within the cell, anchor-scaled exponential
/// sizes, objectness times class probability as the score, a confidence threshold, then class-wise NMS. The
/// decoding itself is managed code on the raw floats, so an ONNX Runtime detector needs no libtorch; the full
/// library adds the tensor forms for training and evaluation.</summary>
public sealed class YoloDecoder(IReadOnlyList<Anchor> anchors, int numClasses)
{
    /// <summary>The score a detection needs to be kept by default (`detect --threshold`, and the precision and
    /// recall eval reports).</summary>
    public const float DefaultConfidenceThreshold = 0.25f;

    public float ConfidenceThreshold { get; init; } = DefaultConfidenceThreshold;
    public double IouThreshold { get; init; } = 0.45;
    public int MaxDetections { get; init; } = 100;

    /// <summary>Candidates kept for NMS per image (the highest scores), bounding its quadratic cost.</summary>
    public int MaxCandidates { get; init; } = 3000;

    /// <summary>The classes each prediction scores.</summary>
    public int NumClasses => numClasses;

    private int Values => 5 + numClasses;

    /// <summary>Boxes in input pixels of one image's raw output (predictions x (5 + classes) floats, in the
    /// model's order).</summary>
    public IReadOnlyList<DetectedObject> Decode(ReadOnlySpan<float> raw, int inputSize, string image)
    {
        var cells = Layout(inputSize);
        if (raw.Length != cells.Length * Values)
            throw new LeanNetsException(
                $"a {inputSize}x{inputSize} YOLO output has {cells.Length}x{Values} values per image, got "
                    + $"{raw.Length}"
            );
        var candidates = new List<(int Prediction, int Class, float Score)>();
        for (int p = 0; p < cells.Length; p++)
        {
            var v = raw.Slice(p * Values, Values);
            float objectness = Sigmoid(v[4]);
            // A class probability is below one, so no class of this prediction can pass.
            if (objectness <= ConfidenceThreshold)
                continue;
            for (int c = 0; c < numClasses; c++)
            {
                float score = objectness * Sigmoid(v[5 + c]);
                if (score > ConfidenceThreshold)
                    candidates.Add((p, c, score));
            }
        }
        var boxes = new Dictionary<int, BoundingBox>();
        foreach (int p in candidates.Select(k => k.Prediction).Distinct())
            boxes[p] = Box(raw.Slice(p * Values, 4), cells[p], inputSize);
        var kept = candidates
            // A box clipped to nothing (all of it outside the input) is no detection, whatever its score.
            .Where(k => boxes[k.Prediction] is { } b && b.X2 > b.X1 && b.Y2 > b.Y1)
            .OrderByDescending(k => k.Score)
            .Take(MaxCandidates)
            .Select(k => (k.Class, k.Score, Box: boxes[k.Prediction]))
            .ToList();
        var keep = NonMaxSuppression.Apply(
            kept.Select(k => k.Box).ToList(),
            kept.Select(k => k.Score).ToList(),
            kept.Select(k => k.Class).ToList(),
            IouThreshold
        );
        return keep.Take(MaxDetections).Select(i => new DetectedObject(image, kept[i].Class, kept[i].Score,
            kept[i].Box)).ToList();
    }

    private static BoundingBox Box(ReadOnlySpan<float> v, Cell cell, int inputSize)
    {
        float cx = (Sigmoid(v[0]) + cell.X) * cell.Stride, cy = (Sigmoid(v[1]) + cell.Y) * cell.Stride;
        float w = MathF.Exp(v[2]) * cell.Width, h = MathF.Exp(v[3]) * cell.Height;
        return new BoundingBox(
            Math.Clamp(cx - w / 2, 0, inputSize),
            Math.Clamp(cy - h / 2, 0, inputSize),
            Math.Clamp(cx + w / 2, 0, inputSize),
            Math.Clamp(cy + h / 2, 0, inputSize)
        );
    }

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    /// <summary>One prediction's cell (column, row), anchor size and stride.</summary>
    public readonly record struct Cell(float X, float Y, float Width, float Height, float Stride);

    /// <summary>Every prediction's cell, anchor size and stride at an input size, in the model's order (the
    /// constants a decoding graph needs).</summary>
    public IReadOnlyList<Cell> Cells(int inputSize) => Layout(inputSize);

    // Layouts by input size; a detector may decode on several threads at once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Cell[]> layouts = new();

    /// <summary>Per prediction: its cell, its anchor's size and its stride, in the order the model emits them
    /// (scales 32, 16, 8; anchor, row, column).</summary>
    private Cell[] Layout(int inputSize) => layouts.GetOrAdd(inputSize, BuildLayout);

    private Cell[] BuildLayout(int inputSize)
    {
        var cells = new List<Cell>();
        for (int s = 0; s < YoloLayout.Strides.Count; s++)
        {
            int stride = YoloLayout.Strides[s];
            if (inputSize % stride != 0)
                throw new LeanNetsUsageException($"YOLO-V3 inputs must be divisible by 32, got {inputSize}");
            int g = inputSize / stride;
            foreach (var anchor in YoloLayout.ScaleAnchors(anchors, s))
                for (int y = 0; y < g; y++)
                    for (int x = 0; x < g; x++)
                        cells.Add(new Cell(x, y, anchor.Width, anchor.Height, stride));
        }
        return [.. cells];
    }
}
