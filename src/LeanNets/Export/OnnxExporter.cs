using Google.Protobuf;
using LeanNets.IO;
using LeanNets.Models;
using LeanNets.Onnx;
using Onnx;
using static TorchSharp.torch;

namespace LeanNets.Export;

/// <summary>
/// Writes a registry model (a classifier, or a detector's body: its raw predictions before decoding) as an ONNX
/// graph. TorchSharp has no tracer, so the graph is built from the modules:
/// TorchSharp's layers map to ONNX ops, and LeanNets' composite blocks emit the nodes of their own forward pass
/// (<see cref="IOnnxExportable"/>). A module with no export is named before anything is written. The model runs
/// once at the export size first, to record the shapes some ops need.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input",
        OutputName = "logits",
        DetectorOutputName = "predictions";

    public static ModelProto Export(nn.Module<Tensor, Tensor> model, OnnxExportOptions options)
    {
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            throw new LeanNetsUsageException(
                $"opset {options.Opset} is not supported "
                    + $"(use {OnnxExportOptions.MinOpset}..{OnnxExportOptions.MaxOpset})"
            );
        if (options.Batch is < 1)
            throw new LeanNetsUsageException($"batch size must be positive, got {options.Batch}");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            Measures.MemoryEstimate.RequireFits(model, new InputShape(options.Channels, options.InputSize,
                options.InputSize), 1, training: false);
            var graph = OnnxGraph.ForModel(model, options.Channels, options.InputSize);
            // Weights are copied out through temporaries (detach, float32, contiguous) that must stay referenced.
            using var scope = NewDisposeScope();
            string finalName = model is Classifier ? OutputName : DetectorOutputName;
            string output = graph.Emit(model, InputName);
            var proto = graph.Proto;
            if (options.FoldBatchNorm)
                BatchNormFolding.Apply(proto);
            var rename = proto.Node.First(n => n.Output.Contains(output));
            rename.Output[rename.Output.IndexOf(output)] = finalName;
            foreach (var node in proto.Node)
                for (int i = 0; i < node.Input.Count; i++)
                    if (node.Input[i] == output)
                        node.Input[i] = finalName;
            proto.Input.Add(Value(InputName, options.Batch, options.Channels, options.InputSize, options.InputSize));
            proto.Output.Add(Value(finalName, options.Batch, graph.OutputShape(model)[1..]));
            var result = new ModelProto
            {
                IrVersion = 8,
                ProducerName = "LeanNets",
                ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
                Graph = proto,
                DocString = $"{model.GetName()} exported by LeanNets",
            };
            result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
            foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
                result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            return result;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Exports and writes the file atomically (nothing is written when the export fails).</summary>
    public static ModelProto Save(nn.Module<Tensor, Tensor> model, OnnxExportOptions options, string path)
    {
        var proto = Export(model, options);
        AtomicFile.WriteAllBytes(path, proto.ToByteArray());
        return proto;
    }

    private static ValueInfoProto Value(string name, int? batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(
            batch is int b
                ? new TensorShapeProto.Types.Dimension { DimValue = b }
                : new TensorShapeProto.Types.Dimension { DimParam = "batch" }
        );
        foreach (var d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor
                {
                    ElemType = (int)TensorProto.Types.DataType.Float,
                    Shape = shape,
                },
            },
        };
    }
}
