using LeanNets.Data.Detection;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Measures;

/// <summary>A detector on letterboxed batches: VOC's mAP@0.5 by both the 11-point and the area method and COCO's
/// metric, what training scores each epoch with and `eval --task detect` reports.</summary>
public static class DetectorScore
{
    /// <summary>Pictures per evaluation batch.</summary>
    public const int Batch = 16;

    /// <param name="model">the detector's body (raw predictions): a YOLO-V3, or an engine running its ONNX export.
    /// </param>
    public static DetectionScores Evaluate(nn.Module<Tensor, Tensor> model, IReadOnlyList<Anchor> anchors,
        DetectionBatches batches, int inputSize, int classes)
    {
        bool wasTraining = model.training;
        model.eval();
        // A low threshold keeps the whole precision-recall curve, as the VOC evaluation expects.
        var decoder = new YoloDecoder(anchors, classes) { ConfidenceThreshold = 0.01f };
        var found = new List<DetectedObject>();
        try
        {
            using var _ = no_grad();
            foreach (var batch in batches.Epoch(Batch, augment: null, 0))
            {
                using var __ = batch;
                using var scope = NewDisposeScope();
                var raw = model.call(batch.Images);
                // A NaN score would be dropped by the threshold and read as "nothing found": name it instead.
                if (!raw.isfinite().all().item<bool>())
                    throw new LeanNetsException(
                        $"the detector's outputs are not finite (NaN or infinity) for {string.Join(", ", batch.Ids)}:"
                            + " an activation overflowed; check the weights"
                    );
                foreach (var image in decoder.Decode(raw, inputSize, batch.Ids))
                    found.AddRange(image);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        var truth = batches.Truth().ToList();
        return new DetectionScores(VocMap.Evaluate(found, truth, classes, ApMethod.Voc07ElevenPoint),
            VocMap.Evaluate(found, truth, classes, ApMethod.AllPoint),
            CocoMap.Evaluate(found, truth, classes, batches.OriginalArea, YoloDecoder.DefaultConfidenceThreshold));
    }
}

/// <summary>A detector's evaluation: VOC's mAP@0.5 by both AP methods and COCO's figures, each per class; precision,
/// recall and F1 at the confidence threshold `detect` keeps by default.</summary>
public sealed record DetectionScores(MapResult Voc07, MapResult Area, CocoResult Coco);
