namespace LeanNets.Onnx;

/// <summary>A LeanNets module that writes its own ONNX nodes, mirroring its forward pass.</summary>
public interface IOnnxExportable
{
    /// <returns>the name of the module's output value.</returns>
    string ExportOnnx(OnnxGraph graph, string input);
}
