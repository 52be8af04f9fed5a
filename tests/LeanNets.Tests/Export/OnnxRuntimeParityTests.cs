using System.Globalization;
using LeanNets.Export;
using LeanNets.Models;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace LeanNets.Tests.Export;

/// <summary>
/// Why LeanNets' export runs as fast on ONNX Runtime as torchvision's: once ONNX Runtime has optimised both graphs
/// for this CPU, they hold the same kernels (convolutions with the same shapes, strides, groups and fused
/// activations, the same pools and head). Speed then differs only by measurement noise.
/// </summary>
public class OnnxRuntimeParityTests
{
    private const int Size = 64;

    [SkippableTheory]
    [InlineData("mobilenetv2_100", "mobilenet_v2")]
    [InlineData("resnet50", "resnet50")]
    [InlineData("shufflenetv2_x1_0", "shufflenet_v2_x1_0")]
    public void OptimisedGraphHasTorchvisionsKernels(string model, string torchvision)
    {
        PythonReference.Require("torch", "torchvision", "onnx");
        using var dir = new TempFolder();
        string theirs = dir.File("torchvision.onnx"),
            ours = dir.File("leannets.onnx");
        var export = PythonReference.Run(
            "-c",
            "import sys, torch, torchvision\n"
                + $"m = torchvision.models.{torchvision}(weights=None).eval()\n"
                + $"torch.onnx.export(m, torch.randn(1, 3, {Size}, {Size}), sys.argv[1], opset_version=17, "
                + "input_names=['input'], output_names=['logits'], "
                + "dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})",
            theirs
        );
        Assert.True(export.Code == 0, export.Err);
        using (var net = ModelRegistry.Create(model))
            OnnxExporter.Save(net, new OnnxExportOptions(Size, 3), ours);

        var leanNodes = OptimisedNodes(ours);
        var torchvisionNodes = OptimisedNodes(theirs);
        // The compute: every convolution and the classifier, with shapes, strides, groups and fused activations.
        Assert.Equal(Kernels(torchvisionNodes), Kernels(leanNodes));
        // Around them LeanNets adds nothing. For ShuffleNet torchvision's graph keeps shape arithmetic (Shape,
        // Gather, Unsqueeze...) that LeanNets' static shapes do without, and pools with a ReduceMean where LeanNets
        // has a GlobalAveragePool; the other two graphs are the same node for node.
        Assert.True(leanNodes.Count <= torchvisionNodes.Count, $"{leanNodes.Count} > {torchvisionNodes.Count} nodes");
        if (model != "shufflenetv2_x1_0")
            Assert.Equal(torchvisionNodes.Order(StringComparer.Ordinal), leanNodes.Order(StringComparer.Ordinal));
    }

    private static List<string> Kernels(List<string> nodes) =>
        nodes
            .Where(n => n.Contains("Conv(", StringComparison.Ordinal) || n.Contains("Gemm(", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The nodes of the graph ONNX Runtime runs (every optimisation on, as LeanNets' sessions), each as
    /// op, attributes and the shapes of its constant inputs.</summary>
    private static List<string> OptimisedNodes(string path)
    {
        string optimised = path + ".optimised";
        using (var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = 1,
            OptimizedModelFilePath = optimised,
        })
        using (new InferenceSession(path, options)) { }
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimised)).Graph;
        var constants = graph.Initializer.ToDictionary(t => t.Name, t => string.Join("x", t.Dims));
        return graph
            .Node.Select(n =>
                $"{n.Domain}:{n.OpType}({string.Join(", ", n.Attribute.OrderBy(a => a.Name, StringComparer.Ordinal)
                    .Select(Attribute))}) "
                + string.Join(" ", n.Input.Select(i => constants.GetValueOrDefault(i, "x")))
            )
            .ToList();
    }

    private static string Attribute(AttributeProto a) =>
        a.Name + "="
        + a.Type switch
        {
            AttributeProto.Types.AttributeType.Int => a.I.ToString(CultureInfo.InvariantCulture),
            AttributeProto.Types.AttributeType.Float => a.F.ToString("R", CultureInfo.InvariantCulture),
            AttributeProto.Types.AttributeType.String => a.S.ToStringUtf8(),
            AttributeProto.Types.AttributeType.Ints => string.Join(",", a.Ints),
            AttributeProto.Types.AttributeType.Floats => string.Join(",", a.Floats.Select(
                f => f.ToString("R", CultureInfo.InvariantCulture))),
            _ => a.Type.ToString(),
        };
}
