using LeanNets.Inference.Detection;
using LeanNets.Models.Detection;
using static TorchSharp.torch;

namespace LeanNets.Tests.Analysis.Detection;

public class NmsAndDecodeTests
{
    [Fact]
    public void NmsSuppressesOverlapsWithinAClassOnly()
    {
        BoundingBox[] boxes = [new(0, 0, 10, 10), new(1, 0, 11, 10), new(0, 0, 10, 10), new(50, 50, 60, 60)];
        float[] scores = [0.8f, 0.9f, 0.7f, 0.6f];
        int[] classes = [0, 0, 1, 0];
        // Box 1 (0.9) suppresses box 0 (IoU 0.82, same class); box 2 is another class; box 3 does not overlap.
        Assert.Equal([1, 2, 3], NonMaxSuppression.Apply(boxes, scores, classes, 0.5));
        Assert.Equal([1, 0, 2, 3], NonMaxSuppression.Apply(boxes, scores, classes, 0.9));
    }

    /// <summary>A confident prediction whose size underflows to zero is no box: nothing with zero area is
    /// output.</summary>
    [Fact]
    public void ZeroAreaBoxesAreDropped()
    {
        const int size = 64, classes = 2;
        using var raw = Unlikely(size, classes);
        raw[.., .., ..2] = 0;
        raw[0, 5, 4] = 10;
        raw[0, 5, 5] = 10;
        raw[0, 9, 4] = 10;
        raw[0, 9, 5] = 10;
        raw[0, 9, 2] = -200; // exp(-200) is 0 in float32: a zero-width box
        var decoder = new YoloDecoder(YoloLayout.DefaultAnchors, classes) { ConfidenceThreshold = 0.5f };
        var found = decoder.Decode(raw, size, ["image"])[0];
        var d = Assert.Single(found);
        Assert.True(d.Box.X2 > d.Box.X1 && d.Box.Y2 > d.Box.Y1);
    }

    /// <summary>One confident prediction: zero offsets put its centre in the middle of its cell, its size is
    /// its anchor's.</summary>
    [Fact]
    public void DecodingPlacesABoxAtItsCellAndAnchor()
    {
        const int size = 64, classes = 2;
        using var raw = Unlikely(size, classes);
        raw[.., .., ..4] = 0;
        // Scale 1 (stride 16, 4x4 grid) starts after the 3 x 2 x 2 of scale 0; anchor 1, row 2, column 3.
        int index = 3 * 4 + 1 * 16 + 2 * 4 + 3;
        raw[0, index, 4] = 10;
        raw[0, index, 5 + 1] = 10;
        var decoder = new YoloDecoder(YoloLayout.DefaultAnchors, classes);
        var found = decoder.Decode(raw, size, ["image"])[0];
        var anchor = YoloLayout.ScaleAnchors(YoloLayout.DefaultAnchors, 1)[1];
        var d = Assert.Single(found);
        Assert.Equal(1, d.Class);
        float cx = (3 + 0.5f) * 16, cy = (2 + 0.5f) * 16;
        // float32 coordinates up to 64 px: round-off ~1e-5 px.
        Near.Equal(Math.Max(0, cx - anchor.Width / 2), d.Box.X1, 1e-4);
        Near.Equal(Math.Max(0, cy - anchor.Height / 2), d.Box.Y1, 1e-4);
        Near.Equal(Math.Min(size, cx + anchor.Width / 2), d.Box.X2, 1e-4);
    }

    [Fact]
    public void NothingAboveTheThresholdIsNoDetections()
    {
        using var raw = full(2, 3 * (2 * 2 + 4 * 4 + 8 * 8), 7, -10f);
        var found = new YoloDecoder(YoloLayout.DefaultAnchors, 2).Decode(raw, 64, ["a", "b"]);
        Assert.All(found, Assert.Empty);
    }

    /// <summary>A raw output of one image at <paramref name="size"/> where every prediction is very unlikely
    /// (-10 everywhere: sigmoid 4.5e-5).</summary>
    private static TorchSharp.torch.Tensor Unlikely(int size, int classes) =>
        full(1, 3 * ((size / 32) * (size / 32) + (size / 16) * (size / 16) + (size / 8) * (size / 8)), 5 + classes,
            -10f);
}
