// Exports a classifier to ONNX with its model card (input size, normalisation, class names) in the metadata,
// then classifies a photo with ONNX Runtime using nothing but that file.
// Usage: ExportAndRun OUT.onnx IMAGE [MODEL [WEIGHTS]]   (default vgnetg_1_0mp with its initial weights)
using System.Globalization;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Runtime;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

if (args.Length is < 2 or > 4)
{
    Console.Error.WriteLine("usage: ExportAndRun OUT.onnx IMAGE [MODEL [WEIGHTS]]");
    return 2;
}
string onnx = args[0], image = args[1];
string model = args.Length > 2 ? args[2] : "vgnetg_1_0mp";
string? weights = args.Length > 3 ? args[3] : null;

// Input size and channels are left to the export (0, 0): the trained ones, else the registry's. BN is folded.
var (graph, input) = ModelExport.Save(model, weights, inputSize: null, new OnnxExportOptions(0, 0), onnx);
Console.WriteLine($"exported {model}: {graph.Graph.Node.Count} nodes, input {input}, "
    + $"{new FileInfo(onnx).Length / 1e6:F1} MB");

// The file's card says how to make inputs and what the outputs mean: no LeanNets model is built here, and
// libtorch is never loaded (ONNX Runtime only).
using var classifier = ImageClassifier.FromOnnxFile(onnx);
var prediction = classifier.Classify([image], top: 3).Single();
Console.WriteLine($"{Path.GetFileName(prediction.Image)} ({classifier.Card.Model}, "
    + $"{classifier.ClassNames.Count} classes):");
foreach (var p in prediction.Top)
    Console.WriteLine($"  {100 * p.Probability,6:F2}%  {p.Name}");
return 0;
