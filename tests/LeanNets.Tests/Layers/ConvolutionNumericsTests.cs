using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Layers;

/// <summary>libtorch's convolution against a naive loop: forward values and weight gradients.</summary>
public class ConvolutionNumericsTests
{
    private static double[,,] NaiveConv(double[,,] x, double[,,,] w, int stride, int pad)
    {
        int cin = x.GetLength(0),
            h = x.GetLength(1),
            wd = x.GetLength(2),
            cout = w.GetLength(0),
            k = w.GetLength(2);
        int oh = (h + 2 * pad - k) / stride + 1,
            ow = (wd + 2 * pad - k) / stride + 1;
        var y = new double[cout, oh, ow];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double sum = 0;
                    for (int c = 0; c < cin; c++)
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++)
                            {
                                int r = i * stride + u - pad,
                                    s = j * stride + v - pad;
                                if (r >= 0 && r < h && s >= 0 && s < wd)
                                    sum += x[c, r, s] * w[o, c, u, v];
                            }
                    y[o, i, j] = sum;
                }
        return y;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    public void ForwardMatchesNaiveLoop(int stride, int pad)
    {
        var rng = new Random(3);
        var x = new double[2, 5, 5];
        var w = new double[3, 2, 3, 3];
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++)
                    x[c, i, j] = rng.NextDouble() - 0.5;
        for (int o = 0; o < 3; o++)
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        w[o, c, i, j] = rng.NextDouble() - 0.5;
        using var xt = tensor(x.Cast<double>().ToArray(), float64).view(1, 2, 5, 5);
        using var wt = tensor(w.Cast<double>().ToArray(), float64).view(3, 2, 3, 3);
        using var y = nn.functional.conv2d(xt, wt, null, new long[] { stride }, new long[] { pad });
        var expected = NaiveConv(x, w, stride, pad);
        Assert.Equal(expected.Cast<double>().ToArray(), y.data<double>().ToArray(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void WeightGradientMatchesNaiveDerivative()
    {
        // For L = sum(conv(x, w)), dL/dw[o,c,u,v] = sum over output positions of the input under that tap.
        using var x = randn(1, 2, 4, 4, float64);
        using var w = randn(2, 2, 3, 3, float64).requires_grad_();
        using var y = nn.functional.conv2d(x, w, null, new long[] { 1 }, new long[] { 1 });
        using var loss = y.sum();
        loss.backward();
        var xs = x.data<double>().ToArray();
        var grad = w.grad!.data<double>().ToArray();
        for (int o = 0; o < 2; o++)
            for (int c = 0; c < 2; c++)
                for (int u = 0; u < 3; u++)
                    for (int v = 0; v < 3; v++)
                    {
                        double expected = 0;
                        for (int i = 0; i < 4; i++)
                            for (int j = 0; j < 4; j++)
                            {
                                int r = i + u - 1,
                                    s = j + v - 1;
                                if (r >= 0 && r < 4 && s >= 0 && s < 4)
                                    expected += xs[c * 16 + r * 4 + s];
                            }
                        // float64 sums of at most 16 terms of size ~3: round-off far below 1e-10.
                        Near.Equal(expected, grad[((o * 2 + c) * 3 + u) * 3 + v], 1e-10);
                    }
    }
}

internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

    public int GetHashCode(double obj) => 0;
}
