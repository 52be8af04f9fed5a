using LeanNets.Layers;
using static TorchSharp.torch;

namespace LeanNets.Models.VGNetPaper;

/// <summary>
/// The hand-designed 3x3 kernels of VGNet (paper Fig. 7): two Gaussian blurs and six edge detectors.
/// Values as published by the authors (see docs/vgnet.md).
/// </summary>
public static class FixedKernels
{
    /// <summary>Gaussian blur, sigma about 1.1.</summary>
    public static readonly float[,] Gaussian1 = Symmetric(0.0811f, 0.1226f, 0.1853f);

    /// <summary>Gaussian blur, sigma about 0.6.</summary>
    public static readonly float[,] Gaussian2 = Symmetric(0.0277f, 0.1110f, 0.4452f);

    /// <summary>The six edge kernels, in the authors' order.</summary>
    public static readonly IReadOnlyList<float[,]> Edges =
    [
        new float[,]
        {
            { -0.5f, -1f, -0.5f },
            { 0, 0, 0 },
            { 0.5f, 1f, 0.5f },
        }, // vertical gradient
        new float[,]
        {
            { -0.5f, 0, 0.5f },
            { -1f, 0, 1f },
            { -0.5f, 0, 0.5f },
        }, // horizontal gradient
        new float[,]
        {
            { -1f / 12, -2f / 12, -1f / 12 },
            { -2f / 12, 1f, -2f / 12 },
            { -1f / 12, -2f / 12, -1f / 12 },
        }, // Laplacian with diagonals
        new float[,]
        {
            { 0, -0.25f, 0 },
            { -0.25f, 1f, -0.25f },
            { 0, -0.25f, 0 },
        }, // 4-neighbour Laplacian
        new float[,]
        {
            { -1f, -2f / 3, -1f / 3 },
            { -2f / 3, 0, 2f / 3 },
            { 1f / 3, 2f / 3, 1f },
        }, // diagonal gradient
        new float[,]
        {
            { -1f / 3, -2f / 3, -1f },
            { 2f / 3, 0, -2f / 3 },
            { 1f, 2f / 3, 1f / 3 },
        }, // its mirror
    ];

    /// <summary>Which fixed kernels a depthwise layer cycles through, channel i taking kernel i mod count.</summary>
    public enum Set
    {
        /// <summary>Downsampling blur: channel pairs get (+GK1, -GK1).</summary>
        SignedBlur,

        /// <summary>6 edge kernels then GK1, GK2 (VGNetF1/F2).</summary>
        SixEdgesTwoGaussians,

        /// <summary>The first four edge kernels (VGNetF3/F4).</summary>
        FourEdges,
    }

    public static IReadOnlyList<float[,]> Cycle(Set set) =>
        set switch
        {
            Set.SignedBlur => [Gaussian1, Negate(Gaussian1)],
            Set.SixEdgesTwoGaussians => [.. Edges, Gaussian1, Gaussian2],
            Set.FourEdges => Edges.Take(4).ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(set)),
        };

    /// <summary>A depthwise weight [channels, 1, 3, 3] with channel i holding kernel i mod |cycle|.</summary>
    public static Tensor DepthwiseWeight(Set set, long channels)
    {
        var cycle = Cycle(set);
        var values = new float[channels * 9];
        for (long c = 0; c < channels; c++)
        {
            var k = cycle[(int)(c % cycle.Count)];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    values[c * 9 + i * 3 + j] = k[i, j];
        }
        return tensor(values, [channels, 1, 3, 3]);
    }

    private static float[,] Symmetric(float corner, float edge, float centre) =>
        new[,]
        {
            { corner, edge, corner },
            { edge, centre, edge },
            { corner, edge, corner },
        };

    private static float[,] Negate(float[,] k)
    {
        var n = (float[,])k.Clone();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                n[i, j] = -k[i, j];
        return n;
    }
}
