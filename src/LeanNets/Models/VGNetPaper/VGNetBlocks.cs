using LeanNets.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>How a VGNet depthwise layer gets its 3x3 kernels.</summary>
public enum DepthwiseKernels
{
    /// <summary>Random initialisation, trained (VGNetC everywhere; the mixing layers of VGNetG).</summary>
    Learnable,

    /// <summary>Gaussian blur with alternating sign (the downsampling of VGNetG/F).</summary>
    SignedBlur,

    /// <summary>6 edge kernels + 2 Gaussians, then BN (VGNetF1/F2).</summary>
    SixEdgesTwoGaussians,

    /// <summary>4 edge kernels, then BN (VGNetF3/F4).</summary>
    FourEdges,
}

/// <summary>Builders for the depthwise layers VGNet's blocks share.</summary>
public static class VGNetDepthwise
{
    /// <summary>A 3x3 depthwise layer; fixed kernels other than the downsampling blur are followed by BN.</summary>
    public static nn.Module<Tensor, Tensor> Create(long channels, DepthwiseKernels kernels, long stride) =>
        kernels switch
        {
            DepthwiseKernels.Learnable => nn.Conv2d(
                channels,
                channels,
                3,
                stride: stride,
                padding: 1,
                groups: channels,
                bias: false
            ),
            DepthwiseKernels.SignedBlur => new FixedDepthwiseConv(channels, FixedKernels.Set.SignedBlur, stride),
            DepthwiseKernels.SixEdgesTwoGaussians => FixedWithNorm(
                channels,
                FixedKernels.Set.SixEdgesTwoGaussians,
                stride
            ),
            DepthwiseKernels.FourEdges => FixedWithNorm(channels, FixedKernels.Set.FourEdges, stride),
            _ => throw new ArgumentOutOfRangeException(nameof(kernels)),
        };

    private static nn.Module<Tensor, Tensor> FixedWithNorm(long channels, FixedKernels.Set set, long stride) =>
        nn.Sequential(("fixed", new FixedDepthwiseConv(channels, set, stride)), ("bn", BatchNorm.Over2d(channels)));
}
