// Writes a small VOC-layout set of coloured shapes, trains a quarter-width YOLO-V3 on it at 64x64 (8 short epochs,
// enough for boxes that mean something: about 38% mAP@0.5) and finds the objects in one of its pictures.
// Usage: DetectShapes OUT_DIR   (data in OUT_DIR/voc, the run in OUT_DIR/run)
using System.Globalization;
using LeanNets.Data.Detection;
using LeanNets.Inference.Detection;
using LeanNets.Runtime;
using LeanNets.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: DetectShapes OUT_DIR");
    return 2;
}
string voc = Path.Combine(args[0], "voc");
SyntheticShapes.Write(voc, images: 16, split: "train", size: 64, seed: 1);
var val = SyntheticShapes.Write(voc, images: 4, split: "val", size: 64, seed: 2);

// A detector's own defaults (learning rate, warm-up, clipping, 416 px input), then what this run changes.
var options = TrainingTasks.Defaults("yolov3_w25", voc) with { Epochs = 8, BatchSize = 4, InputSize = 64 };
var result = Trainer.Run(options, Path.Combine(args[0], "run"));
var metrics = result.FinalEval.Metrics.Select(m => $"{m.Name} {m.Value:F3}");
Console.WriteLine($"trained {result.State.CompletedEpochs} epochs: {string.Join(", ", metrics)}");

// So short a run gives low confidences: a low threshold (the default is 0.25) shows what it found.
string weights = Path.Combine(result.RunDirectory, Trainer.BestWeights);
using var detector = ObjectDetector.Load("yolov3_w25", weights, threshold: 0.05f);
var (id, truth) = val.First();
var found = detector.Detect(Path.Combine(voc, "JPEGImages", id + ".jpg"));
Console.WriteLine($"{id}.jpg: {found.Count} found, truth "
    + string.Join(", ", truth.Select(t => $"{t.Class} {t.XMin},{t.YMin}-{t.XMax},{t.YMax}")));
foreach (var (_, label, score, b) in found.OrderByDescending(d => d.Score).Take(5))
    Console.WriteLine($"  {detector.ClassNames[label]} {100 * score:F0}% {b.X1:F0},{b.Y1:F0}-{b.X2:F0},{b.Y2:F0}");
return 0;
