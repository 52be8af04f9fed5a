using LeanNets.Layers;
using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>
/// VGNet's shared depthwise conv: one 3x3 depthwise conv over C/t channels applied to each of the t
/// channel chunks, so C/t kernels serve all C channels. Run as a single conv over a batch t times larger.
/// </summary>
public sealed class SharedDepthwiseConv : nn.Module<Tensor, Tensor>, IMacCountable, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly long shares;

    public SharedDepthwiseConv(long channels, long shares)
        : base(nameof(SharedDepthwiseConv))
    {
        Channels.RequireDivisible(channels, shares, "SharedDepthwiseConv");
        long width = channels / shares;
        conv = nn.Conv2d(width, width, 3, padding: 1, groups: width, bias: false);
        this.shares = shares;
        RegisterComponents();
    }

    public long Shares => shares;

    /// <summary>Sharing is exported as one depthwise Conv whose kernels repeat every C / shares channels: the
    /// same outputs without the reshapes.</summary>
    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var inner = (TorchSharp.Modules.Conv2d)conv;
        var kernels = inner.weight!;
        using var tiled = kernels.repeat(shares, 1, 1, 1);
        long count = kernels.shape[0];
        return graph.Conv(input, tiled, null, 1, 1, tiled.shape[0], computed: (kernels, t => t.narrow(0, 0, count)));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[0],
            c = input.shape[1],
            h = input.shape[2],
            w = input.shape[3];
        var y = conv.call(input.reshape(n * shares, c / shares, h, w));
        return y.reshape(n, c, y.shape[2], y.shape[3]).MoveToOuterDisposeScope();
    }

    public long CountMacs(long[] inputShape, long[] outputShape) =>
        outputShape.Skip(1).Aggregate(1L, (a, b) => a * b) * 9;
}
