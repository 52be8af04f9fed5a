using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// Which 3x3 convolution a network uses: the DualConv paper's table rows differ only in this choice,
/// so every family builder takes it as a parameter.
/// </summary>
public abstract record ConvKind
{
    public static readonly ConvKind Standard = new StandardConv();

    /// <summary>The registry suffix: "" for standard, "_dualconv_g4", "_gc_g2", "_hetconv_p4".</summary>
    public abstract string Suffix { get; }

    /// <summary>A human label as the papers print it ("", "_G4", "_GC_G4", "_HC_P4").</summary>
    public abstract string PaperSuffix { get; }

    /// <summary>
    /// The same kind with its groups (or part) reduced to the largest power-of-two divisor both channel
    /// counts share: for networks whose narrow layers (16 or 24 channels) cannot take G = 32.
    /// </summary>
    public virtual ConvKind FitTo(long inChannels, long outChannels) => this;

    private static int Fit(int groups, long inChannels, long outChannels)
    {
        int g = groups;
        while (g > 1 && (inChannels % g != 0 || outChannels % g != 0)) g /= 2;
        return g;
    }

    /// <summary>Builds the convolution (no norm, no activation) replacing a 3x3 conv.</summary>
    public abstract nn.Module<Tensor, Tensor> Create3x3(long inChannels, long outChannels, long stride, bool bias = false);

    private sealed record StandardConv : ConvKind
    {
        public override string Suffix => "";
        public override string PaperSuffix => "";
        public override nn.Module<Tensor, Tensor> Create3x3(long inChannels, long outChannels, long stride, bool bias = false)
            => ConvNormAct.Conv(inChannels, outChannels, 3, stride, 1, bias);
    }

    public static ConvKind Dual(int groups) => new DualConvKind(groups);
    public static ConvKind Group(int groups) => new GroupConvKind(groups);
    public static ConvKind Het(int part) => new HetConvKind(part);

    private sealed record DualConvKind(int Groups) : ConvKind
    {
        public override string Suffix => $"_dualconv_g{Groups}";
        public override string PaperSuffix => $"_G{Groups}";
        public override ConvKind FitTo(long inChannels, long outChannels) => this with { Groups = Fit(Groups, inChannels, outChannels) };
        public override nn.Module<Tensor, Tensor> Create3x3(long inChannels, long outChannels, long stride, bool bias = false)
            => new DualConv(inChannels, outChannels, stride, Groups);
    }

    private sealed record GroupConvKind(int Groups) : ConvKind
    {
        public override string Suffix => $"_gc_g{Groups}";
        public override string PaperSuffix => $"_GC_G{Groups}";
        public override ConvKind FitTo(long inChannels, long outChannels) => this with { Groups = Fit(Groups, inChannels, outChannels) };
        public override nn.Module<Tensor, Tensor> Create3x3(long inChannels, long outChannels, long stride, bool bias = false)
            => ConvNormAct.Conv(inChannels, outChannels, 3, stride, Groups, bias);
    }

    private sealed record HetConvKind(int Part) : ConvKind
    {
        public override string Suffix => $"_hetconv_p{Part}";
        public override string PaperSuffix => $"_HC_P{Part}";
        public override ConvKind FitTo(long inChannels, long outChannels) => this with { Part = Fit(Part, inChannels, outChannels) };
        public override nn.Module<Tensor, Tensor> Create3x3(long inChannels, long outChannels, long stride, bool bias = false)
            => new HetConv(inChannels, outChannels, stride, Part);
    }
}
