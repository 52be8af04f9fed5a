using LeanNets.Layers;
using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>A VGNet stage: one downsampling block then half-identity blocks on the channel pair, joined at the
/// end.</summary>
public sealed class VGNetStage : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly DownsamplingBlock downsample;
    private readonly TorchSharp.Modules.ModuleList<HalfIdentityBlock> blocks;

    public VGNetStage(
        long inChannels,
        long outChannels,
        int halfIdentityBlocks,
        DepthwiseKernels downsampleKernels,
        DepthwiseKernels mixKernels,
        ActivationKind activation,
        bool squeezeExcite,
        long stride = 2
    )
        : base(nameof(VGNetStage))
    {
        downsample = new DownsamplingBlock(
            inChannels,
            outChannels,
            downsampleKernels,
            activation,
            squeezeExcite,
            stride
        );
        blocks = nn.ModuleList(
            Enumerable
                .Range(0, halfIdentityBlocks)
                .Select(_ => new HalfIdentityBlock(outChannels, mixKernels, activation, squeezeExcite))
                .ToArray()
        );
        RegisterComponents();
    }

    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var pair = downsample.ExportOnnx(graph, input);
        foreach (var block in blocks)
            pair = block.ExportOnnx(graph, pair);
        return graph.Concat(pair.Left, pair.Right);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pair = downsample.call(input);
        foreach (var block in blocks)
            pair = block.call(pair);
        return cat([pair.Left, pair.Right], 1).MoveToOuterDisposeScope();
    }
}
