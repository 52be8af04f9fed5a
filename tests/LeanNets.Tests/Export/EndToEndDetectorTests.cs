using LeanNets.Data.Detection;
using LeanNets.Export;
using LeanNets.Inference.Detection;
using LeanNets.Interchange;
using LeanNets.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Export;

/// <summary>
/// `export DETECTOR --nms`: decoding and ONNX's NonMaxSuppression in the graph. ONNX Runtime on that file must
/// find what LeanNets' own decoder and NMS find on the raw export: the same number of boxes, in the same order,
/// boxes within 1e-3 pixels, scores within 1e-5, the same classes. Untrained weights at a low threshold give
/// hundreds of overlapping candidates, so suppression is exercised hard (a trained detector gives few).
/// </summary>
public class EndToEndDetectorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TheGraphFindsWhatLeanNetsFinds(int classes)
    {
        using var dir = new TempFolder();
        string weights = dir.File("det.safetensors"), raw = dir.File("raw.onnx"), endToEnd = dir.File("e2e.onnx");
        WriteQuietWeights(weights, classes);
        var options = new OnnxExportOptions(0, 0);
        const float threshold = 0.2f;
        ModelExport.Save("yolov3_w25", weights, 64, options, raw);
        ModelExport.Save("yolov3_w25", weights, 64, options, endToEnd, new NmsSettings(threshold));
        SyntheticShapes.Write(dir.File("voc"), 4, size: 80, seed: 3);
        using var own = ObjectDetector.FromOnnxFile(raw, threshold: threshold);
        using var graph = ObjectDetector.FromOnnxFile(endToEnd, threshold: threshold);
        int total = 0;
        foreach (var picture in Directory.GetFiles(Path.Combine(dir.File("voc"), "JPEGImages")))
        {
            var expected = own.Detect(picture);
            var found = graph.Detect(picture);
            Assert.True(expected.Count == found.Count, $"{Show(expected)}\n---\n{Show(found)}");
            foreach (var (e, f) in expected.Zip(found))
            {
                Assert.Equal(e.Class, f.Class);
                Near.Equal(e.Score, f.Score, 1e-5);
                foreach (var (a, b) in new[] { (e.Box.X1, f.Box.X1), (e.Box.Y1, f.Box.Y1), (e.Box.X2, f.Box.X2),
                    (e.Box.Y2, f.Box.Y2) })
                    Near.Equal(a, b, 1e-3);
            }
            total += found.Count;
        }
        Assert.True(total > 4, $"only {total} boxes: the comparison needs candidates to suppress");

        // A batch of two copies of one input: each image gets the rows a batch of one gets (the per-image cap
        // included), with its own index in the first column.
        using var session = LeanNets.Inference.OnnxRuntimeSession.FromFile(endToEnd);
        manual_seed(5);
        using var input = rand(1, 3, 64, 64);
        float[] one = input.data<float>().ToArray();
        var single = session.Logits(one, [1, 3, 64, 64]);
        var pair = session.Logits([.. one, .. one], [2, 3, 64, 64]);
        var rows = pair.Chunk(EndToEndColumns).ToList();
        foreach (int image in new[] { 0, 1 })
            Assert.Equal(single.Chunk(EndToEndColumns).Select(r => r[1..]),
                rows.Where(r => r[0] == image).Select(r => r[1..]));
    }

    /// <summary>Quantizing an end-to-end file quantizes its body and adds the decoding and NMS back: the int8
    /// file's boxes are LeanNets' decoding of its own raw predictions (its second output).</summary>
    [Fact]
    public void AnEndToEndFileQuantizesWithItsPostprocessing()
    {
        using var dir = new TempFolder();
        string file = dir.File("e2e.onnx"), quantized = dir.File("int8.onnx"), voc = dir.File("voc");
        string weights = dir.File("det.safetensors");
        WriteQuietWeights(weights, 2);
        ModelExport.Save("yolov3_w25", weights, 64, new OnnxExportOptions(0, 0), file, new NmsSettings(0.2f));
        SyntheticShapes.Write(voc, 8, size: 64, seed: 2);
        var (code, _, error) = Cli.CliTests.Run("quantize", file, "--calibrate", Path.Combine(voc, "JPEGImages"),
            "--images", "8", "--output", quantized);
        Assert.True(code == 0, error);
        using var session = LeanNets.Inference.OnnxRuntimeSession.FromFile(quantized);
        Assert.Equal([NmsSettings.OutputName, "predictions"], session.OutputNames);
        var nms = ObjectDetector.EndToEnd(session, quantized)!;
        Assert.Equal(0.2f, nms.ScoreThreshold);
        manual_seed(9);
        using var input = rand(1, 3, 64, 64);
        float[] rows = [], raw = [];
        session.Run(input.data<float>().ToArray(), [1, 3, 64, 64], session.OutputNames, (name, values) =>
        {
            if (name == "predictions")
                raw = values.ToArray();
            else
                rows = values.ToArray();
        });
        var card = LeanNets.Loading.OnnxMetadata.RequireCard(session.Metadata, quantized);
        var decoder = new YoloDecoder(card.Anchors!.Select(a => new Anchor(a[0], a[1])).ToList(),
            card.ClassNames.Count)
        { ConfidenceThreshold = nms.ScoreThreshold };
        var expected = decoder.Decode(raw, 64, "x");
        var found = rows.Chunk(EndToEndColumns).ToList();
        Assert.Equal(expected.Count, found.Count);
        Assert.True(found.Count > 4, $"only {found.Count} boxes");
        foreach (var (e, f) in expected.Zip(found))
        {
            Assert.Equal(e.Class, (int)f[6]);
            Near.Equal(e.Score, f[5], 1e-5);
            Near.Equal(e.Box.X1, f[1], 1e-3);
            Near.Equal(e.Box.Y2, f[4], 1e-3);
        }
    }

    private const int EndToEndColumns = NmsSettings.Columns;

    /// <summary>An untrained detector finds nothing (its objectness prior says 2 objects in a thousand cells);
    /// prediction convolutions without bias, scaled to outputs of unit spread, give scores around 0.25 and ordinary
    /// boxes instead: hundreds of distinct, overlapping candidates.</summary>
    private static void WriteQuietWeights(string path, int classes)
    {
        manual_seed(classes);
        using var model = DetectorRegistry.Get("yolov3_w25").Create(classes);
        using var noGrad = no_grad();
        model.eval();
        var outputs = model.modules().OfType<TorchSharp.Modules.Conv2d>()
            .Where(c => c.out_channels == 3 * (5 + classes)).ToList();
        foreach (var conv in outputs)
            conv.bias!.zero_();
        using var probe = randn(2, 3, 64, 64);
        using var output = model.call(probe);
        double spread = output.std().item<float>();
        using var divisor = spread.ToScalar();
        foreach (var conv in outputs)
            conv.weight!.div_(divisor);
        WeightFile.Write(path, StateDict.Of(model));
    }

    private static string Show(IEnumerable<DetectedObject> found) =>
        string.Join("\n", found.Select(d => $"{d.Class} {d.Score:R} {d.Box}"));

    /// <summary>The file keeps nothing below its own threshold, so a lower one is refused; its mAP would be cut
    /// short, so eval refuses it too.</summary>
    [Fact]
    public void ThresholdsBelowTheGraphsAndEvalAreRefused()
    {
        using var dir = new TempFolder();
        string file = dir.File("e2e.onnx");
        ModelExport.Save("yolov3_w25", null, 64, new OnnxExportOptions(0, 0), file, new NmsSettings(0.5f));
        var low = Assert.Throws<LeanNetsUsageException>(() => ObjectDetector.FromOnnxFile(file, threshold: 0.3f));
        Assert.Contains("keeps only scores above 0.5", low.Message);
        SyntheticShapes.Write(dir.File("voc"), 2, "val", 64, seed: 1);
        var eval = Assert.Throws<LeanNetsUsageException>(() => DetectionEvaluation.Run(
            new DetectionEvalRequest("yolov3_w25", file, [dir.File("voc")], "val")));
        Assert.Contains("without --nms", eval.Message);
        Assert.Throws<LeanNetsUsageException>(() =>
            ModelExport.Export("vgnetg_1_0mp_cifar", null, null, new OnnxExportOptions(0, 0), new NmsSettings()));
    }
}
