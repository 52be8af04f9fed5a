namespace LeanNets.Analysis.Kernels;

/// <summary>The shapes VGNet's paper sees in trained kernels (Figs. 1-5).</summary>
public enum KernelType { GaussianLike, IdentityLike, Edge, LaplacianLike, NearZero, Other }

/// <summary>One kernel's type, how well its template fits (|normalised correlation|), and the fitted parameter:
/// sigma for Gaussian-like kernels, the gradient's angle in degrees (0..180) for edges.</summary>
public sealed record KernelClass(KernelType Type, double Fit, double? Sigma = null, double? AngleDegrees = null);

/// <summary>
/// Classifies an N x N kernel (N odd) by normalised correlation with templates, in this order:
/// <list type="number">
/// <item>near-zero: its norm below <see cref="NearZeroRatio"/> of the reference norm (the layer's median);</item>
/// <item>identity-like: the centre holds at least <see cref="IdentityEnergy"/> of the kernel's energy and the
/// other taps do not cancel it (their sum keeps the centre's sign: a Laplacian's centre dominates too);</item>
/// <item>otherwise the best |correlation| among a centred Gaussian (sigma 0.4..2.0), a first derivative of a
/// Gaussian at 12 orientations (edge; antisymmetric, so it cannot fit a blur) and a Laplacian of a Gaussian;
/// the best wins when it reaches <see cref="MinimumFit"/>, else the kernel is "other".</item>
/// </list>
/// Correlation ignores scale and sign, so a negative blur is Gaussian-like too; the Gaussian and Laplacian
/// templates keep their mean (a blur is single-signed); the edge and Laplacian-of-Gaussian templates are
/// zero-mean, as derivatives are.
/// </summary>
public static class KernelClassifier
{
    public const double NearZeroRatio = 0.05, IdentityEnergy = 0.6, MinimumFit = 0.8;

    private static readonly double[] Sigmas = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.7, 2.0];
    private const int Orientations = 12;

    public static KernelClass Classify(float[] kernel, int size, double referenceNorm)
    {
        if (size % 2 == 0 || kernel.Length != size * size)
            throw new ArgumentException($"expected an odd square kernel, got {kernel.Length} values for size {size}");
        double norm = Math.Sqrt(kernel.Sum(v => (double)v * v));
        if (norm <= NearZeroRatio * referenceNorm || norm == 0) return new KernelClass(KernelType.NearZero, 1);
        double centre = kernel[size * size / 2], sum = kernel.Sum(v => (double)v);
        if (centre * centre >= IdentityEnergy * norm * norm && centre * sum > 0.5 * centre * centre)
            return new KernelClass(KernelType.IdentityLike, Math.Abs(centre) / norm);

        var best = new KernelClass(KernelType.Other, 0);
        foreach (double sigma in Sigmas)
        {
            double fit = Correlation(kernel, Template(size, (x, y) => Gaussian(x, y, sigma)));
            if (fit > best.Fit) best = new KernelClass(KernelType.GaussianLike, fit, Sigma: sigma);
        }
        for (int i = 0; i < Orientations; i++)
        {
            double angle = Math.PI * i / Orientations, c = Math.Cos(angle), s = Math.Sin(angle);
            double fit = Correlation(kernel, Template(size, (x, y) => -(c * x + s * y) * Gaussian(x, y, 1.0)));
            if (fit > best.Fit) best = new KernelClass(KernelType.Edge, fit, AngleDegrees: 180.0 * i / Orientations);
        }
        foreach (double sigma in new[] { 0.6, 0.8, 1.0 })
        {
            var log = Template(size, (x, y) => ((x * x + y * y) / (sigma * sigma) - 2) * Gaussian(x, y, sigma));
            double mean = log.Average();
            double fit = Correlation(kernel, log.Select(v => v - mean).ToArray());
            if (fit > best.Fit) best = new KernelClass(KernelType.LaplacianLike, fit);
        }
        return best.Fit >= MinimumFit ? best : best with { Type = KernelType.Other };
    }

    private static double Gaussian(double x, double y, double sigma) =>
        Math.Exp(-(x * x + y * y) / (2 * sigma * sigma));

    private static double[] Template(int size, Func<double, double, double> f)
    {
        int r = size / 2;
        var t = new double[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                t[y * size + x] = f(x - r, y - r);
        return t;
    }

    /// <summary>|cosine| between the kernel and a template (scale- and sign-free).</summary>
    private static double Correlation(float[] kernel, double[] template)
    {
        double dot = 0, kk = 0, tt = 0;
        for (int i = 0; i < kernel.Length; i++)
        {
            dot += kernel[i] * template[i];
            kk += (double)kernel[i] * kernel[i];
            tt += template[i] * template[i];
        }
        return kk == 0 || tt == 0 ? 0 : Math.Abs(dot) / Math.Sqrt(kk * tt);
    }
}
