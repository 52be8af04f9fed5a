using LeanNets.Measures;
using LeanNets.Models.Detection;

namespace LeanNets.Tests.Analysis.Detection;

/// <summary>The COCO metric on cases small enough to work out by hand (each expected value derived in its
/// comment). Ratios of small counts: exact up to double round-off.</summary>
public class CocoMapTests
{
    private static BoundingBox Box(float x, float y, float size = 10) => new(x, y, x + size, y + size);

    [Fact]
    public void PerfectDetectionsScoreOneAtEveryThreshold()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)), new LabelledObject("b", 1, Box(5, 5)) };
        var result = CocoMap.Evaluate(truth.Select(t => new DetectedObject(t.Image, t.Class, 0.9f, t.Box)), truth, 2);
        Near.Equal(1.0, result.Map, 1e-12);
        Near.Equal(1.0, result.Map50, 1e-12);
        Near.Equal(1.0, result.Map75, 1e-12);
        Near.Equal(1.0, result.MapSmall, 1e-12);
        // No object is medium or large: COCO's -1, not a zero that would read as "all missed".
        Near.Equal(-1, result.MapMedium, 1e-12);
        Near.Equal(-1, result.MapLarge, 1e-12);
        Assert.Null(result.Classes[0].Medium);
    }

    /// <summary>A detection one pixel off a 10x10 object has IoU 90/110 = 0.818: a hit at the seven thresholds
    /// 0.50..0.80, a miss at 0.85, 0.90, 0.95, so the primary AP is 0.7.</summary>
    [Fact]
    public void TheIouSweepCountsTheThresholdsAMatchPasses()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)) };
        var result = CocoMap.Evaluate([new DetectedObject("a", 0, 0.9f, Box(1, 0))], truth, 1);
        Near.Equal(0.7, result.Map, 1e-12);
        Near.Equal(1.0, result.Map50, 1e-12);
        Near.Equal(1.0, result.Map75, 1e-12);
    }

    /// <summary>VOC's known curve (hit, miss, hit on two objects; the second hit at IoU 0.818). Up to 0.80: precision
    /// after the envelope is 1 for recall 0..0.5 (51 of COCO's 101 levels) and 2/3 above (50 levels). At 0.85 and
    /// above the second hit is a miss: 1 for 51 levels, 0 for the rest.</summary>
    [Fact]
    public void AKnownCurveGivesItsExact101PointAp()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)), new LabelledObject("a", 0, Box(50, 50)) };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("a", 0, 0.8f, Box(100, 100)),
            new DetectedObject("a", 0, 0.7f, Box(51, 50)),
        };
        var result = CocoMap.Evaluate(detections, truth, 1);
        double both = (51 + 50 * 2.0 / 3) / 101, one = 51.0 / 101;
        Near.Equal(both, result.Map50, 1e-12);
        Near.Equal(both, result.Map75, 1e-12);
        Near.Equal((7 * both + 3 * one) / 10, result.Map, 1e-12);
    }

    /// <summary>A small object (10x10) in image a, a large one (100x100) in image b, both found exactly, and a
    /// large false positive in a that outscores both. All sizes: miss, hit, hit: precision 2/3 at every recall.
    /// Small: the large detections are ignored (one outside the range, one matched to an ignored object): 1.
    /// Large: the false positive counts, the small hit is ignored: miss, hit: 1/2. Medium: no object.</summary>
    [Fact]
    public void SizeRangesIgnoreWhatLiesOutsideThem()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)), new LabelledObject("b", 0, Box(0, 0, 100)) };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.95f, Box(200, 200, 100)),
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("b", 0, 0.8f, Box(0, 0, 100)),
        };
        var result = CocoMap.Evaluate(detections, truth, 1);
        Near.Equal(2.0 / 3, result.Map, 1e-12);
        Near.Equal(1.0, result.MapSmall, 1e-12);
        Near.Equal(0.5, result.MapLarge, 1e-12);
        Near.Equal(-1, result.MapMedium, 1e-12);
    }

    /// <summary>Sizes are in the original image's pixels: a 20x20 box (400, small) in a picture shrunk by half
    /// to letterbox it is 40x40 (1,600, medium) in the original.</summary>
    [Fact]
    public void SizesAreMeasuredInTheOriginalPicture()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0, 20)) };
        var found = new[] { new DetectedObject("a", 0, 0.9f, Box(0, 0, 20)) };
        var result = CocoMap.Evaluate(found, truth, 1, area: (_, box) => box.Area * 4);
        Near.Equal(1.0, result.MapMedium, 1e-12);
        Near.Equal(-1, result.MapSmall, 1e-12);
    }

    /// <summary>A difficult object absorbs any number of detections, counted neither way, and is not in the
    /// recall denominator: the class's one real object found first gives AP 1.</summary>
    [Fact]
    public void DifficultObjectsAreIgnoredRegions()
    {
        var truth = new[]
        {
            new LabelledObject("a", 0, Box(0, 0)),
            new LabelledObject("a", 0, Box(50, 50), Difficult: true),
        };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.95f, Box(50, 50)),
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("a", 0, 0.85f, Box(50, 50)),
        };
        var result = CocoMap.Evaluate(detections, truth, 1);
        Near.Equal(1.0, result.Map, 1e-12);
        Assert.Equal(1, result.Classes[0].Objects);
    }

    /// <summary>At threshold 0.25 two detections are kept (a hit at 0.9, a miss at 0.3); the hit at 0.2 is not:
    /// precision 1/2, recall 1/2 of the two objects, F1 1/2.</summary>
    [Fact]
    public void PrecisionRecallAndF1AreThoseOfTheKeptDetections()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)), new LabelledObject("a", 0, Box(50, 50)) };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("a", 0, 0.3f, Box(100, 100)),
            new DetectedObject("a", 0, 0.2f, Box(50, 50)),
        };
        var counts = CocoMap.Evaluate(detections, truth, 1, confidenceThreshold: 0.25).AtThreshold;
        Assert.Equal((1, 1, 2), (counts.TruePositives, counts.FalsePositives, counts.Objects));
        Near.Equal(0.5, counts.Precision, 1e-12);
        Near.Equal(0.5, counts.Recall, 1e-12);
        Near.Equal(0.5, counts.F1, 1e-12);
    }

    /// <summary>Only each image's 100 best detections count: a hit ranked 101st in its image is dropped.</summary>
    [Fact]
    public void AnImageKeepsItsHundredBestDetections()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)) };
        var misses = Enumerable.Range(0, CocoMap.MaxDetectionsPerImage)
            .Select(i => new DetectedObject("a", 0, 0.9f, Box(100 + 20 * i, 100)));
        var result = CocoMap.Evaluate([.. misses, new DetectedObject("a", 0, 0.5f, Box(0, 0))], truth, 1);
        Near.Equal(0, result.Map50, 1e-12);
    }
}
