using LeanNets.Layers;
using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>
/// A 3x3 depthwise convolution with hand-designed kernels held in a buffer: saved with the model,
/// moved with it, never trained and not counted as learnable parameters.
/// </summary>
public sealed class FixedDepthwiseConv : nn.Module<Tensor, Tensor>, IMacCountable, IOnnxExportable
{
    private readonly Tensor weight;
    private readonly long stride;

    public FixedDepthwiseConv(long channels, FixedKernels.Set kernels, long stride = 1)
        : base(nameof(FixedDepthwiseConv))
    {
        weight = FixedKernels.DepthwiseWeight(kernels, channels);
        this.stride = stride;
        Kernels = kernels;
        RegisterComponents();
    }

    public FixedKernels.Set Kernels { get; }

    /// <summary>The fixed kernels, [channels, 1, 3, 3].</summary>
    public Tensor Weight => weight;

    public string ExportOnnx(OnnxGraph graph, string input) =>
        graph.Conv(input, weight, null, stride, 1, weight.shape[0]);

    public override Tensor forward(Tensor input) =>
        nn.functional.conv2d(input, weight, null, new[] { stride }, new long[] { 1 }, groups: weight.shape[0]);

    public long CountMacs(long[] inputShape, long[] outputShape) =>
        outputShape.Skip(1).Aggregate(1L, (a, b) => a * b) * 9;
}
