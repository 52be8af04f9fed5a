using LeanNets.Layers;
using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Peers;

/// <summary>
/// ShuffleNetV2 unit: at stride 1 half the channels pass through and half go through 1x1-dw3x3-1x1;
/// at stride 2 both halves are computed from the whole input. The halves are joined and shuffled.
/// </summary>
public sealed class ShuffleBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> branch1;
    private readonly nn.Module<Tensor, Tensor> branch2;
    private readonly long stride;

    public ShuffleBlock(long inChannels, long outChannels, long stride)
        : base(nameof(ShuffleBlock))
    {
        long half = outChannels / 2;
        if (stride == 1 && inChannels != 2 * half)
            throw new ArgumentException("ShuffleBlock: stride-1 units keep the width");
        this.stride = stride;
        branch1 =
            stride > 1
                ? nn.Sequential(
                    ("depthwise", new ConvNormAct(inChannels, inChannels, 3, stride, inChannels, ActivationKind.None)),
                    ("pointwise", new ConvNormAct(inChannels, half, 1))
                )
                : nn.Identity();
        branch2 = nn.Sequential(
            ("reduce", new ConvNormAct(stride > 1 ? inChannels : half, half, 1)),
            ("depthwise", new ConvNormAct(half, half, 3, stride, half, ActivationKind.None)),
            ("expand", new ConvNormAct(half, half, 1))
        );
        RegisterComponents();
    }

    /// <summary>Split and concat as Slice/Concat; the shuffle as Reshape, Transpose, Reshape.</summary>
    public string ExportOnnx(OnnxGraph graph, string input)
    {
        string joined;
        if (stride == 1)
        {
            long half = graph.InputShape(this)[1] / 2;
            var passed = graph.Channels(input, 0, half);
            joined = graph.Concat(passed, graph.Emit(branch2, graph.Channels(input, half, half)));
        }
        else
        {
            joined = graph.Concat(graph.Emit(branch1, input), graph.Emit(branch2, input));
        }
        long[] shape = graph.OutputShape(this);
        long c = shape[1],
            h = shape[2],
            w = shape[3];
        var grouped = graph.Reshape(joined, 0, 2, c / 2, h * w);
        var swapped = graph.Node("Transpose", [grouped], Attr.Ints("perm", 0, 2, 1, 3));
        return graph.Reshape(swapped, 0, c, h, w);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor first,
            second;
        if (stride == 1)
        {
            var halves = input.chunk(2, 1);
            (first, second) = (halves[0], branch2.call(halves[1]));
        }
        else
        {
            (first, second) = (branch1.call(input), branch2.call(input));
        }
        return JoinShuffled(first, second).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The two halves joined and channel-shuffled in one copy: stacking them on a new axis after the channels lays
    /// out first[0], second[0], first[1], second[1], ..., which is the shuffle of their concatenation with two
    /// groups (a concat and a reshuffle would copy everything twice).
    /// </summary>
    public static Tensor JoinShuffled(Tensor first, Tensor second) => stack([first, second], 2).flatten(1, 2);
}
