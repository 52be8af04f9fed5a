using static TorchSharp.torch;

namespace LeanNets.Inference;

/// <summary>ONNX Runtime sessions made from registry models in memory (the session itself is in the runtime
/// package, which has no TorchSharp).</summary>
public static class OnnxRuntimeSessions
{
    extension(OnnxRuntimeSession)
    {
        /// <summary>A model's ONNX export (BN folded), made in memory at the given input size, ready to run.</summary>
        public static OnnxRuntimeSession ForModel(
            nn.Module<Tensor, Tensor> model,
            int inputSize,
            int channels,
            int? threads = null
        )
        {
            var proto = Export.OnnxExporter.Export(model, new Export.OnnxExportOptions(inputSize, channels));
            return new OnnxRuntimeSession(Google.Protobuf.MessageExtensions.ToByteArray(proto), threads);
        }
    }
}
