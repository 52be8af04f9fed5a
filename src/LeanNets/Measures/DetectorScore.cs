using LeanNets.Data.Detection;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Measures;

/// <summary>mAP@0.5 of a detector on letterboxed batches, by both the 11-point and the area method: what
/// training scores each epoch with and `eval --task detect` reports.</summary>
public static class DetectorScore
{
    /// <param name="model">the detector's body (raw predictions): a YOLO-V3, or an engine running its ONNX export.
    /// </param>
    public static MapPair Evaluate(nn.Module<Tensor, Tensor> model, IReadOnlyList<Anchor> anchors,
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
            foreach (var batch in batches.Epoch(16, augment: null, 0))
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
        return new MapPair(VocMap.Evaluate(found, truth, classes, ApMethod.Voc07ElevenPoint),
            VocMap.Evaluate(found, truth, classes, ApMethod.AllPoint));
    }
}

/// <summary>A detector's evaluation by both AP methods (each with its per-class figures).</summary>
public sealed record MapPair(MapResult Voc07, MapResult Area);
