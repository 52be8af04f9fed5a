using LeanNets.Data.Detection;
using LeanNets.Models.Detection;

namespace LeanNets.Tests.Data;

public class AnchorFitTests
{
    /// <summary>Boxes drawn around nine known sizes (shapes from flat to tall, small to large, each within 5%):
    /// the fitted anchors find the nine sizes within 10%, smallest first, and fit the boxes far better than
    /// yolov3.cfg's; the same seed gives the same anchors.</summary>
    [Fact]
    public void NineClustersAreFound()
    {
        Anchor[] centres =
        [
            new(8, 8), new(24, 10), new(10, 24), new(40, 40), new(80, 30), new(30, 80), new(120, 120),
            new(200, 90), new(90, 200),
        ];
        var random = new Random(3);
        var boxes = centres.SelectMany(c => Enumerable.Range(0, 30).Select(_ => new Anchor(
            c.Width * (float)(0.95 + 0.1 * random.NextDouble()), c.Height * (float)(0.95 + 0.1 * random.NextDouble()))))
            .ToList();
        var fit = AnchorFit.Fit(boxes, 9, seed: 1);
        // Each size has its anchor (flat and tall twins share an area, so they are matched, not zipped in order).
        Assert.All(centres, c => Assert.Contains(fit.Anchors, a =>
            a.Width / c.Width is > 0.9f and < 1.1f && a.Height / c.Height is > 0.9f and < 1.1f));
        Assert.Equal(fit.Anchors.OrderBy(a => a.Width * a.Height), fit.Anchors);
        Assert.True(fit.MeanIou > 0.9, $"mean IoU {fit.MeanIou}");
        Assert.True(fit.MeanIou > fit.DefaultMeanIou + 0.1, $"{fit.MeanIou} vs cfg {fit.DefaultMeanIou}");
        Assert.Equal(fit.Anchors, AnchorFit.Fit(boxes, 9, seed: 1).Anchors);
        Assert.Equal(270, fit.Boxes);
    }

    /// <summary>The IoU of corner-aligned boxes by hand: 2x2 against 1x4 overlap in 1x2 = 2, union 4 + 4 - 2 = 6.
    /// </summary>
    [Fact]
    public void CornerAlignedIouIsByHand() =>
        Near.Equal(1.0 / 3, new Anchor(2, 2).ShapeIou(new Anchor(1, 4)), 1e-12);

    /// <summary>Fewer boxes than anchors (a set without objects, say) cannot be fitted: one line saying so.
    /// </summary>
    [Fact]
    public void TooFewBoxesAreNamed()
    {
        var e = Assert.Throws<LeanNetsException>(() => AnchorFit.Fit([new Anchor(5, 5), new Anchor(9, 3)], 9, 1));
        Assert.Equal("anchors auto needs at least 9 boxes in the training data, and it has 2", e.Message);
    }
}
