using System.Diagnostics;
using LeanNets.Data.Detection;
using LeanNets.Inference.Detection;
using LeanNets.Loading;
using LeanNets.Measures;
using LeanNets.Models.Detection;

namespace LeanNets.Inference.Detection;

/// <summary>What `eval --task detect` scores: a detector's weights on a VOC split.</summary>
/// <param name="Split">the VOC split (null: test when the data has one, else val).</param>
public sealed record DetectionEvalRequest(
    string Model,
    string Weights,
    IReadOnlyList<string> Data,
    string? Split = null,
    int? InputSize = null,
    bool SkipBad = false
);

public sealed record DetectionEvalReport(
    string Model,
    string Split,
    int Images,
    int Skipped,
    IReadOnlyList<string> ClassNames,
    DetectionScores Scores,
    double ImagesPerSecond,
    int InputSize
);

/// <summary>
/// Trained detector weights on a split: VOC mAP@0.5 by both the 11-point and the area method, COCO's
/// mAP@[.5:.95] and figures by IoU and object size, precision, recall and F1 at `detect`'s default threshold, with
/// each class's (Reports.DetectionEvalFiles writes them).
/// </summary>
public static class DetectionEvaluation
{
    public static DetectionEvalReport Run(DetectionEvalRequest request)
    {
        if (request.InputSize is int asked)
            YoloLayout.RequireInputSize(asked);
        if (Loading.OnnxMetadata.IsOnnxFile(request.Weights))
            return RunOnnx(request);
        using var detector = TrainedDetector.Load(request.Model, request.Weights);
        int side = detector.SideFor(request.InputSize);
        string split = request.Split ?? DefaultSplit(request.Data);
        // Indices must mean what the detector learned: its own class list, or the data's when the weights came
        // without names and the counts agree.
        var names = detector.UnnamedClasses ? null : detector.ClassNames;
        var data = VocDataset.Load(request.Data, split, names, request.SkipBad);
        if (data.ClassNames.Count != detector.Model.NumClasses)
            throw new LeanNetsException($"{request.Weights} detects {detector.Model.NumClasses} classes but split "
                + $"'{split}' has {data.ClassNames.Count} ({string.Join(", ", data.ClassNames)})");
        var clock = Stopwatch.StartNew();
        MemoryEstimate.RequireFits(detector.Model, new Models.InputShape(3, side, side), DetectorScore.Batch,
            training: false);
        var batches = new DetectionBatches(data, side, request.SkipBad, detector.Normalisation);
        var maps = DetectorScore.Evaluate(detector.Model, detector.Model.Anchors, batches, side,
            data.ClassNames.Count);
        return new DetectionEvalReport(request.Model, split, batches.Count, data.Skipped + batches.Skipped,
            data.ClassNames, maps, data.Count / clock.Elapsed.TotalSeconds, side);
    }

    /// <summary>A detector's ONNX file (float or int8) on ONNX Runtime: its card gives the classes, anchors and
    /// input size.</summary>
    private static DetectionEvalReport RunOnnx(DetectionEvalRequest request)
    {
        using var session = OnnxRuntimeSession.FromFile(request.Weights);
        var (card, anchors) = ObjectDetector.ReadCard(session, request.Weights, request.InputSize);
        if (ObjectDetector.EndToEnd(session, request.Weights) is { } nms)
            throw new LeanNetsUsageException(
                $"{request.Weights} keeps only scores above {nms.ScoreThreshold} (exported with --nms), which cuts "
                    + "the precision-recall curve mAP needs: evaluate its raw export (without --nms)");
        int side = card.Input.Height;
        string split = request.Split ?? DefaultSplit(request.Data);
        var data = VocDataset.Load(request.Data, split, card.ClassNames, request.SkipBad);
        var clock = Stopwatch.StartNew();
        MemoryEstimate.RequireFits(card, request.Weights, DetectorScore.Batch);
        var batches = new DetectionBatches(data, side, request.SkipBad, DetectorInput.Of(card));
        using var engine = new EngineModule(session);
        var maps = DetectorScore.Evaluate(engine, anchors, batches, side, data.ClassNames.Count);
        return new DetectionEvalReport(card.Model, split, batches.Count, data.Skipped + batches.Skipped,
            data.ClassNames, maps, data.Count / clock.Elapsed.TotalSeconds, side);
    }

    private static string DefaultSplit(IReadOnlyList<string> roots) =>
        VocDataset.HasSplit(roots, "test") ? "test" : "val";
}
