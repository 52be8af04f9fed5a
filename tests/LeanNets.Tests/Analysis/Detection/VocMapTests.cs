using LeanNets.Measures;
using LeanNets.Models.Detection;

namespace LeanNets.Tests.Analysis.Detection;

public class VocMapTests
{
    private static BoundingBox Box(float x, float y, float size = 10) => new(x, y, x + size, y + size);

    [Theory]
    [InlineData(ApMethod.Voc07ElevenPoint)]
    [InlineData(ApMethod.AllPoint)]
    public void PerfectDetectionsScoreOne(ApMethod method)
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)), new LabelledObject("b", 1, Box(5, 5)) };
        var detections = truth.Select(t => new DetectedObject(t.Image, t.Class, 0.9f, t.Box));
        var result = VocMap.Evaluate(detections, truth, 2, method);
        // Ratios of small counts: exact up to double round-off.
        Near.Equal(1.0, result.Map, 1e-12);
    }

    /// <summary>Two objects; detections by score: hit, miss, hit. Precision/recall (1, 0.5), (0.5, 0.5),
    /// (2/3, 1). 11-point: six thresholds up to 0.5 see precision 1, five above see 2/3: (6 + 10/3) / 11. Area:
    /// 0.5 x 1 + 0.5 x 2/3.</summary>
    [Theory]
    [InlineData(ApMethod.Voc07ElevenPoint, (6 + 10.0 / 3) / 11)]
    [InlineData(ApMethod.AllPoint, 0.5 + 0.5 * 2 / 3)]
    public void AKnownCurveGivesItsExactAp(ApMethod method, double expected)
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)), new LabelledObject("a", 0, Box(50, 50)) };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("a", 0, 0.8f, Box(100, 100)),
            new DetectedObject("a", 0, 0.7f, Box(51, 50)),
        };
        var result = VocMap.Evaluate(detections, truth, 1, method);
        Near.Equal(expected, result.Map, 1e-12);
        Assert.Equal([new PrPoint(0.5, 1), new PrPoint(0.5, 0.5), new PrPoint(1, 2.0 / 3)], result.Classes[0].Curve);
    }

    [Fact]
    public void ADuplicateIsAFalsePositive()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)) };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("a", 0, 0.8f, Box(1, 0)),
        };
        var cls = VocMap.Evaluate(detections, truth, 1, ApMethod.AllPoint).Classes[0];
        Assert.Equal(1, cls.TruePositives);
        Near.Equal(0.5, cls.Curve[^1].Precision, 1e-12);
        Near.Equal(1.0, cls.Ap!.Value, 1e-12); // the duplicate ranks below the hit, so the area is untouched
    }

    /// <summary>A detection of a difficult object is neither a hit nor a miss, and difficult objects are not
    /// in the recall denominator.</summary>
    [Fact]
    public void DifficultObjectsAreIgnored()
    {
        var truth = new[]
        {
            new LabelledObject("a", 0, Box(0, 0)),
            new LabelledObject("a", 0, Box(50, 50), Difficult: true),
        };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.9f, Box(50, 50)),
            new DetectedObject("a", 0, 0.8f, Box(0, 0)),
        };
        var cls = VocMap.Evaluate(detections, truth, 1, ApMethod.AllPoint).Classes[0];
        Assert.Equal(1, cls.Objects);
        Assert.Equal([new PrPoint(1, 1)], cls.Curve);
        Near.Equal(1.0, cls.Ap!.Value, 1e-12);
    }

    [Fact]
    public void ClassesWithoutObjectsAreLeftOutOfTheMean()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)) };
        var detections = new[]
        {
            new DetectedObject("a", 0, 0.9f, Box(0, 0)),
            new DetectedObject("a", 1, 0.9f, Box(0, 0)),
        };
        var result = VocMap.Evaluate(detections, truth, 2, ApMethod.AllPoint);
        Assert.Null(result.Classes[1].Ap);
        Near.Equal(1.0, result.Map, 1e-12);
    }

    [Fact]
    public void BelowTheIouThresholdIsAMiss()
    {
        var truth = new[] { new LabelledObject("a", 0, Box(0, 0)) };
        // IoU of two 10x10 boxes offset by 4: 60 / 140 = 0.43.
        var detections = new[] { new DetectedObject("a", 0, 0.9f, Box(4, 0)) };
        Near.Equal(0, VocMap.Evaluate(detections, truth, 1).Map, 1e-12);
        Near.Equal(1, VocMap.Evaluate(detections, truth, 1, iouThreshold: 0.4).Map, 1e-12);
    }
}
