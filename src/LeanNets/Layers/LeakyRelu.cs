using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// LeakyReLU (in place) with its slope held as a native scalar for the module's life. TorchSharp's own module
/// converts its double slope into a temporary native scalar on every call, about 75 per YOLO-V3 forward, each
/// of which a garbage collection may free while libtorch reads it (see Runtime/OwnedScalars).
/// </summary>
public sealed class LeakyRelu : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Scalar slope;

    public LeakyRelu(double negativeSlope)
        : base("LeakyReLU")
    {
        NegativeSlope = negativeSlope;
        slope = negativeSlope.ToScalar();
    }

    public double NegativeSlope { get; }

    public override Tensor forward(Tensor input) => input.leaky_relu_(slope);

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Node("LeakyRelu", [input], Attr.Float("alpha", (float)NegativeSlope));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            slope.Dispose();
        base.Dispose(disposing);
    }
}
