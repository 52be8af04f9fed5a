using LeanNets.Layers;
using LeanNets.Measures;
using LeanNets.Models.DualConvPaper;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Tests.Models.DualConvPaper;

public class DualConvLayerTests
{
    [Theory]
    [InlineData(64, 64, 4)]
    [InlineData(32, 96, 8)]
    [InlineData(48, 48, 16)]
    public void DualConvMacsAreOneOverGPlusOneNinthOfStandard(int m, int n, int g)
    {
        using var dual = new LeanNets.Models.DualConvPaper.DualConv(m, n, 1, g);
        using var standard = nn.Conv2d(m, n, 3, padding: 1, bias: false);
        var d = ModelProfiler.Profile(dual, [1, m, 8, 8]);
        var s = ModelProfiler.Profile(standard, [1, m, 8, 8]);
        // Exact in integers: MACs_dual * 9G == MACs_std * (9 + G).
        Assert.Equal(s.Macs * (9 + g), d.Macs * 9 * g);
        Assert.Equal(n * (m / g) * 9 + n * m, d.Params);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void DualConvIsTheSumOfGroupAndPointwiseConvs(int stride)
    {
        using var dual = new LeanNets.Models.DualConvPaper.DualConv(8, 12, stride, 4);
        using var x = randn(2, 8, 9, 9);
        using var y = dual.call(x);
        var convs = dual.modules().OfType<TorchSharp.Modules.Conv2d>().ToList();
        var group = convs.Single(c => c.groups == 4);
        var point = convs.Single(c => c.kernel_size[0] == 1);
        using var expected =
            nn.functional.conv2d(x, group.weight!, null, new long[] { stride }, new long[] { 1 }, groups: 4)
            + nn.functional.conv2d(x, point.weight!, null, new long[] { stride });
        Assert.True(y.allclose(expected, 1e-5, 1e-6));
        Assert.Equal(stride == 1 ? 9 : 5, y.shape[2]);
    }

    [Fact]
    public void IndivisibleChannelsGiveAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new LeanNets.Models.DualConvPaper.DualConv(24, 64, 1, 16));
        Assert.Contains("24 channels are not divisible by 16 groups", e.Message);
        Assert.Throws<ArgumentException>(() => new HetConv(30, 64, 1, 4));
        Assert.Throws<ArgumentException>(() => ConvKind.Group(8).Create3x3(12, 16, 1));
    }

    [Theory]
    [InlineData(16, 8, 4)]
    [InlineData(8, 16, 2)]
    [InlineData(12, 12, 3)]
    public void HetConvCountsFollowEquationTen(int m, int n, int p)
    {
        using var het = new HetConv(m, n, 1, p);
        var profile = ModelProfiler.Profile(het, [1, m, 6, 6]);
        long perFilter = m / p * 9 + (m - m / p);
        Assert.Equal(n * perFilter, profile.Params);
        Assert.Equal(36L * n * perFilter, profile.Macs); // D^2 N (M K^2 / P + M - M/P)
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void HetConvEqualsItsDenseKernel(int stride)
    {
        using var het = new HetConv(8, 12, stride, 4);
        using var x = randn(2, 8, 7, 7);
        using var y = het.call(x);
        using var dense = het.DenseWeight();
        using var expected = nn.functional.conv2d(x, dense, null, new long[] { stride }, new long[] { 1 });
        Assert.True(y.allclose(expected, 1e-5, 1e-6));
    }

    [Fact]
    public void HetConvHasTheShiftedArrangement()
    {
        // Filter j sees channel c through a 3x3 kernel exactly when (c - j) mod P == 0, else through a 1x1.
        const int m = 8,
            n = 8,
            p = 4;
        using var het = new HetConv(m, n, 1, p);
        using var x = randn(1, m, 5, 5).requires_grad_();
        using var y = het.call(x);
        for (int j = 0; j < n; j++)
        {
            x.grad?.zero_();
            y[0, j, 2, 2].backward(retain_graph: true);
            using var g = x.grad!.abs();
            for (int c = 0; c < m; c++)
            {
                double offCentre = g[0, c].sum().item<float>() - g[0, c, 2, 2].item<float>();
                if ((c - j % p + p) % p == 0)
                    Assert.True(offCentre > 0, $"filter {j} channel {c} should be 3x3");
                else
                    // No path from this channel: the gradient is zero up to float32 round-off.
                    Near.Equal(0, offCentre, 1e-6);
            }
        }
    }

    public static IEnumerable<object[]> Kinds() =>
        [
            [ConvKind.Dual(2)],
            [ConvKind.Group(2)],
            [ConvKind.Het(2)],
        ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GradientsMatchFiniteDifferences(ConvKind kind)
    {
        using var layer = kind.Create3x3(4, 4, 2);
        layer.to(float64);
        using var x = randn(1, 4, 5, 5, float64);
        using var r = randn(1, 4, 3, 3, float64);
        Func<double> loss = () =>
        {
            using var _ = no_grad();
            using var o = layer.call(x);
            return (o * r).sum().item<double>();
        };
        using (var o = layer.call(x))
            (o * r).sum().backward();
        foreach (var parameter in layer.parameters())
        {
            var flat = parameter.view(-1);
            var grad = parameter.grad!.view(-1);
            foreach (long i in new long[] { 0, flat.shape[0] / 2, flat.shape[0] - 1 })
            {
                double original = flat[i].item<double>(),
                    h = 1e-6;
                using (no_grad())
                    flat[i] = original + h;
                double up = loss();
                using (no_grad())
                    flat[i] = original - h;
                double down = loss();
                using (no_grad())
                    flat[i] = original;
                // float64 central difference, h = 1e-6: truncation ~h^2, cancellation ~1e-16 * |loss| / h ~ 1e-9.
                Near.Equal((up - down) / (2 * h), grad[i].item<double>(), 1e-7, 1e-6);
            }
        }
    }
}
