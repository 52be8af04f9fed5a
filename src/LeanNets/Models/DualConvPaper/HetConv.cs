using LeanNets.Layers;
using LeanNets.Onnx;
using LeanNets.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>
/// HetConv (Singh et al. 2019) with part P: in filter j, the input channels c with (c - j) mod P == 0
/// get 3x3 kernels and all other channels 1x1 kernels (the shifted arrangement). Computed efficiently as
/// a P-group 3x3 convolution over channels regrouped by residue plus a 1x1 convolution whose weight
/// holds only the non-3x3 positions, so parameters and MACs are exactly the paper's eq. 10.
/// </summary>
public sealed class HetConv : nn.Module<Tensor, Tensor>, IMacCountable, IOnnxExportable
{
    private readonly Parameter weight3x3; // [N, M/P, 3, 3], filters ordered by group (residue)
    private readonly Parameter weight1x1; // [N, M - M/P], compact
    private readonly Tensor inputOrder; // channel indices regrouped by residue mod P
    private readonly Tensor outputOrder; // filter j's position in the grouped output
    private readonly Tensor scatterIndex; // [N, M - M/P]: where each compact 1x1 weight sits
    private readonly long inChannels,
        outChannels,
        stride,
        part;

    public HetConv(long inChannels, long outChannels, long stride, long part)
        : base(nameof(HetConv))
    {
        Channels.RequireDivisible(inChannels, part, "HetConv input");
        Channels.RequireDivisible(outChannels, part, "HetConv output");
        (this.inChannels, this.outChannels, this.stride, this.part) = (inChannels, outChannels, stride, part);
        long perGroupIn = inChannels / part,
            perGroupOut = outChannels / part;

        var inOrder = Enumerable
            .Range(0, (int)part)
            .SelectMany(r => Enumerable.Range(0, (int)perGroupIn).Select(k => (long)(r + k * part)))
            .ToArray();
        // Grouped output position o = g * perGroupOut + k holds filter j = g + k * P.
        var filterAt = Enumerable
            .Range(0, (int)outChannels)
            .Select(o => (long)(o / perGroupOut + o % perGroupOut * part))
            .ToArray();
        var positionOf = new long[outChannels];
        for (int o = 0; o < outChannels; o++)
            positionOf[filterAt[o]] = o;
        var scatter = new long[outChannels * (inChannels - perGroupIn)];
        for (long j = 0, i = 0; j < outChannels; j++)
            for (long c = 0; c < inChannels; c++)
                if ((c - j % part + part) % part != 0)
                    scatter[i++] = c;

        inputOrder = tensor(inOrder);
        outputOrder = tensor(positionOf);
        scatterIndex = tensor(scatter, [outChannels, inChannels - perGroupIn]);
        weight3x3 = new Parameter(empty(outChannels, perGroupIn, 3, 3));
        weight1x1 = new Parameter(empty(outChannels, inChannels - perGroupIn));
        // Fan-in of each filter is its 3x3 and 1x1 taps together, as for a dense conv of that size.
        double bound = 1.0 / Math.Sqrt(perGroupIn * 9 + inChannels - perGroupIn);
        using (no_grad())
        {
            weight3x3.uniform_(-bound, bound);
            weight1x1.uniform_(-bound, bound);
        }
        RegisterComponents();
    }

    public long Part => part;

    /// <summary>The equivalent dense [N, M, 3, 3] kernel: the reference arrangement, used by tests and
    /// export.</summary>
    public Tensor DenseWeight()
    {
        using var scope = NewDisposeScope();
        var grouped = weight3x3.index_select(0, outputOrder); // back to filter order j
        long perGroupIn = inChannels / part;
        // Filter j's k-th 3x3 kernel reads input channel j % part + k * part: one scatter instead of
        // outChannels x perGroupIn element writes (each a native call: 20 s for a MobileNetV1).
        // Owned scalars: a temporary one (the part, the hidden alpha of +) freed by its finalizer mid-call was read
        // as garbage once in CI ("alpha must not be a floating point number").
        using var partScalar = part.ToScalar();
        using var filters = outChannels.ToScalar();
        using var perGroup = perGroupIn.ToScalar();
        var columns = arange(filters).remainder(partScalar).unsqueeze(1)
            .Plus(arange(perGroup).unsqueeze(0).mul(partScalar));
        var dense = zeros(outChannels, inChannels, 3, 3, dtype: weight3x3.dtype)
            .scatter(1, columns.view(outChannels, perGroupIn, 1, 1).expand(-1, -1, 3, 3), grouped);
        var pointwise = zeros(outChannels, inChannels, dtype: weight1x1.dtype).scatter(1, scatterIndex, weight1x1);
        dense[TensorIndex.Colon, TensorIndex.Colon, 1, 1].PlusInPlace(pointwise);
        return dense.MoveToOuterDisposeScope();
    }

    /// <summary>Exported as the equivalent dense 3x3 convolution (<see cref="DenseWeight"/>): the same outputs,
    /// one Conv node, but the zero taps are computed (ONNX has no heterogeneous kernel).</summary>
    public string ExportOnnx(OnnxGraph graph, string input)
    {
        using var dense = DenseWeight();
        return graph.Conv(input, dense, null, stride, 1, 1);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var grouped = nn
            .functional.conv2d(
                input.index_select(1, inputOrder),
                weight3x3,
                null,
                new[] { stride },
                new long[] { 1 },
                groups: part
            )
            .index_select(1, outputOrder);
        var pointwiseWeight = zeros(outChannels, inChannels, dtype: weight1x1.dtype)
            .scatter(1, scatterIndex, weight1x1);
        // Subsample then stride 1: libtorch's strided 1x1 backward can crash (see StridedPointwiseConv).
        var pointwise = nn.functional.conv2d(
            StridedPointwiseConv.Subsample(input, stride),
            pointwiseWeight.view(outChannels, inChannels, 1, 1)
        );
        return grouped.PlusInPlace(pointwise).MoveToOuterDisposeScope();
    }

    public long CountMacs(long[] inputShape, long[] outputShape)
    {
        long positions = outputShape[^1] * outputShape[^2];
        long perGroupIn = inChannels / part;
        return positions * outChannels * (perGroupIn * 9 + inChannels - perGroupIn);
    }
}
