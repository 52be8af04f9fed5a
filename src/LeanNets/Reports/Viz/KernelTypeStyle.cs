using LeanNets.Analysis.Kernels;
using SkiaSharp;

namespace LeanNets.Reports.Viz;

/// <summary>How the report names and colours each kernel type (the same colour in every plot and grid).</summary>
public static class KernelTypeStyle
{
    public static readonly IReadOnlyList<KernelType> All = Enum.GetValues<KernelType>();

    public static string Label(KernelType type) =>
        type switch
        {
            KernelType.GaussianLike => "Gaussian-like",
            KernelType.IdentityLike => "identity-like",
            KernelType.Edge => "edge",
            KernelType.LaplacianLike => "Laplacian-like",
            KernelType.NearZero => "near-zero",
            _ => "other",
        };

    /// <summary>A one-word name, for axis ticks and keys.</summary>
    public static string ShortLabel(KernelType type) =>
        type switch
        {
            KernelType.GaussianLike => "blur",
            KernelType.IdentityLike => "identity",
            KernelType.Edge => "edge",
            KernelType.LaplacianLike => "Laplacian",
            KernelType.NearZero => "near-zero",
            _ => "other",
        };

    public static SKColor Color(KernelType type) =>
        type switch
        {
            KernelType.GaussianLike => new SKColor(0x2c, 0xa0, 0x2c),
            KernelType.IdentityLike => new SKColor(0x1f, 0x77, 0xb4),
            KernelType.Edge => new SKColor(0xd6, 0x27, 0x28),
            KernelType.LaplacianLike => new SKColor(0x94, 0x67, 0xbd),
            KernelType.NearZero => new SKColor(0x7f, 0x7f, 0x7f),
            _ => new SKColor(0xff, 0x7f, 0x0e),
        };
}
