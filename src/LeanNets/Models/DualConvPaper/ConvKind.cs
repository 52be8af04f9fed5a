using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.DualConvPaper;

/// <summary>
/// Which 3x3 convolution a network uses: the DualConv paper's table rows differ only in this choice,
/// so every family builder takes it as a parameter.
/// </summary>
public abstract record ConvKind
{
    public static readonly ConvKind Standard = new StandardConv(CntkPadding: false);

    /// <summary>The group counts (and HetConv parts) the DualConv paper's tables report: 2, 4, 8, 16, 32.</summary>
    public static readonly IReadOnlyList<int> PaperGroups = [2, 4, 8, 16, 32];

    /// <summary>Every DualConv row of a table: one kind per paper group count.</summary>
    public static IEnumerable<ConvKind> PaperDualConvs => PaperGroups.Select(Dual);

    /// <summary>The group count (HetConv: the part P; standard: 1).</summary>
    public abstract int Groups { get; }

    /// <summary>The same kind with another group count (HetConv: part); Standard stays Standard.</summary>
    public abstract ConvKind WithGroups(int groups);

    /// <summary>The registry suffix: "" for standard, "_dualconv_g4", "_gc_g2", "_hetconv_p4".</summary>
    public abstract string Suffix { get; }

    /// <summary>Builds the convolution (no norm, no activation) replacing a 3x3 conv.</summary>
    public abstract nn.Module<Tensor, Tensor> Create3x3(
        long inChannels,
        long outChannels,
        long stride,
        bool bias = false
    );

    /// <summary>A standard 3x3 convolution padded as CNTK pads it: strided, CNTK's "same" padding with the odd
    /// row and column before the image (explicit, <see cref="AsymmetricZeroPad"/>); unstrided, like
    /// <see cref="Standard"/>. For networks whose weights came from CNTK (ML.NET's ResNet-18).</summary>
    public static readonly ConvKind StartPadded = new StandardConv(CntkPadding: true);

    public static ConvKind Dual(int groups) => new DualConvKind(groups);

    public static ConvKind Group(int groups) => new GroupConvKind(groups);

    public static ConvKind Het(int part) => new HetConvKind(part);

    private sealed record StandardConv(bool CntkPadding) : ConvKind
    {
        public override int Groups => 1;

        public override ConvKind WithGroups(int groups) => this;

        public override string Suffix => "";

        public override nn.Module<Tensor, Tensor> Create3x3(
            long inChannels,
            long outChannels,
            long stride,
            bool bias = false
        ) =>
            CntkPadding && stride > 1
                ? nn.Sequential(
                    ("0", new AsymmetricZeroPad(3, stride)),
                    ("1", nn.Conv2d(inChannels, outChannels, 3, stride: stride, bias: bias))
                )
                : ConvNormAct.Conv(inChannels, outChannels, 3, stride, 1, bias);
    }

    private sealed record DualConvKind(int G) : ConvKind
    {
        public override int Groups => G;

        public override ConvKind WithGroups(int groups) => new DualConvKind(groups);

        public override string Suffix => $"_dualconv_g{G}";

        public override nn.Module<Tensor, Tensor> Create3x3(
            long inChannels,
            long outChannels,
            long stride,
            bool bias = false
        ) => new DualConv(inChannels, outChannels, stride, G);
    }

    private sealed record GroupConvKind(int G) : ConvKind
    {
        public override int Groups => G;

        public override ConvKind WithGroups(int groups) => new GroupConvKind(groups);

        public override string Suffix => $"_gc_g{G}";

        public override nn.Module<Tensor, Tensor> Create3x3(
            long inChannels,
            long outChannels,
            long stride,
            bool bias = false
        ) => ConvNormAct.Conv(inChannels, outChannels, 3, stride, G, bias);
    }

    private sealed record HetConvKind(int P) : ConvKind
    {
        public override int Groups => P;

        public override ConvKind WithGroups(int groups) => new HetConvKind(groups);

        public override string Suffix => $"_hetconv_p{P}";

        public override nn.Module<Tensor, Tensor> Create3x3(
            long inChannels,
            long outChannels,
            long stride,
            bool bias = false
        ) => new HetConv(inChannels, outChannels, stride, P);
    }
}
