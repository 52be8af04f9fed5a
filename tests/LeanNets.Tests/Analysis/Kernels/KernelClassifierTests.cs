using System.Text;
using LeanNets.Analysis.Kernels;
using Xunit.Abstractions;

namespace LeanNets.Tests.Analysis.Kernels;

/// <summary>Synthetic 3x3 kernels of every type, with noise, are classified right; a confusion table per noise
/// level.</summary>
public class KernelClassifierTests(ITestOutputHelper output)
{
    private static float[] Make(int size, Func<double, double, double> f)
    {
        int r = size / 2;
        var k = new float[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                k[y * size + x] = (float)f(x - r, y - r);
        return k;
    }

    private static float[] ZeroMean(float[] k)
    {
        float mean = k.Average();
        return k.Select(v => v - mean).ToArray();
    }

    private static double G(double x, double y, double s) => Math.Exp(-(x * x + y * y) / (2 * s * s));

    /// <summary>A kernel of <paramref name="type"/> with random parameters, scale and sign.</summary>
    private static float[] Synthetic(KernelType type, Random rng)
    {
        double scale = (rng.NextDouble() < 0.5 ? -1 : 1) * (0.5 + rng.NextDouble());
        double angle = rng.NextDouble() * Math.PI, c = Math.Cos(angle), s = Math.Sin(angle);
        double sigma = 0.8 + 0.8 * rng.NextDouble();
        return type switch
        {
            KernelType.GaussianLike => Make(3, (x, y) => scale * G(x, y, sigma)),
            KernelType.IdentityLike => Make(3, (x, y) => x == 0 && y == 0 ? scale : 0),
            KernelType.Edge => Make(3, (x, y) => scale * (c * x + s * y) * G(x, y, 0.8 + 0.4 * rng.NextDouble())),
            KernelType.LaplacianLike => rng.NextDouble() < 0.5
                ? Make(3, (x, y) => scale * (x == 0 && y == 0 ? -4 : Math.Abs(x) + Math.Abs(y) == 1 ? 1 : 0))
                : ZeroMean(Make(3, (x, y) => scale * ((x * x + y * y) / 0.64 - 2) * G(x, y, 0.8))),
            KernelType.NearZero => Make(3, (_, _) => 0.01 * (rng.NextDouble() - 0.5)),
            _ => Make(3, (_, _) => rng.NextDouble() - 0.5),
        };
    }

    private static readonly KernelType[] Types =
    [
        KernelType.GaussianLike,
        KernelType.IdentityLike,
        KernelType.Edge,
        KernelType.LaplacianLike,
        KernelType.NearZero,
    ];

    /// <param name="noise">noise standard deviation per tap, relative to the kernel's RMS value.</param>
    private Dictionary<KernelType, int[]> Confusion(double noise, int perType = 200)
    {
        var rng = new Random(11);
        var table = Types.ToDictionary(t => t, _ => new int[Enum.GetValues<KernelType>().Length]);
        foreach (var type in Types)
        {
            for (int n = 0; n < perType; n++)
            {
                var k = Synthetic(type, rng);
                double rms = type == KernelType.NearZero ? 0 : Math.Sqrt(k.Average(v => (double)v * v));
                for (int i = 0; i < k.Length; i++) k[i] += (float)(noise * rms * Normal(rng));
                table[type][(int)KernelClassifier.Classify(k, 3, referenceNorm: 1.0).Type]++;
            }
        }
        return table;
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Theory]
    [InlineData(0.0, 0.99)]
    [InlineData(0.1, 0.95)]
    [InlineData(0.2, 0.85)]
    public void SyntheticKernelsAreClassifiedRight(double noise, double minimumAccuracy)
    {
        var table = Confusion(noise);
        var text = new StringBuilder($"noise {noise:P0} of RMS: rows true type, columns predicted\n");
        text.AppendLine(string.Join("\t", Enum.GetNames<KernelType>().Prepend("true \\ predicted")));
        foreach (var (type, row) in table)
            text.AppendLine(string.Join("\t", row.Select(v => v.ToString()).Prepend(type.ToString())));
        output.WriteLine(text.ToString());
        foreach (var (type, row) in table)
        {
            double accuracy = row[(int)type] / (double)row.Sum();
            Assert.True(accuracy >= minimumAccuracy, $"{type}: {accuracy:P1} at noise {noise:P0}\n{text}");
        }
    }

    [Fact]
    public void FittedParametersAreRecovered()
    {
        var blur = KernelClassifier.Classify(Make(5, (x, y) => G(x, y, 1.2)), 5, 1);
        Assert.Equal(KernelType.GaussianLike, blur.Type);
        // A least-squares fit on 25 noiseless taps: sigma within 0.05 of the true 1.2.
        Near.Equal(1.2, blur.Sigma!.Value, 0.05);
        var vertical = KernelClassifier.Classify(Make(3, (x, _) => x), 3, 1); // intensity change along x
        Assert.Equal(KernelType.Edge, vertical.Type);
        Assert.Equal(0, vertical.AngleDegrees);
        var diagonal = KernelClassifier.Classify(Make(3, (x, y) => (x + y) * G(x, y, 1)), 3, 1);
        Assert.Equal(45, diagonal.AngleDegrees);
        Assert.Equal(KernelType.NearZero, KernelClassifier.Classify(Make(3, (_, _) => 1e-3), 3, 1).Type);
        Assert.Throws<ArgumentException>(() => KernelClassifier.Classify(new float[4], 2, 1));
    }
}
