using LeanNets.Data.Detection;
using LeanNets.Models.Detection;
using LeanNets.Training.Tasks;

namespace LeanNets.Tests.Data;

/// <summary>Every training transform of a detector moves an object's box exactly as it moves the object's
/// pixels: a red rectangle drawn on grey is found again under its transformed box.</summary>
public class DetectionAugmentationTests
{
    private const int Size = 96;
    private static readonly BoundingBox Drawn = new(20, 30, 50, 62);

    private static byte[] Picture()
    {
        var pixels = new byte[3 * Size * Size];
        Array.Fill(pixels, Letterbox.Grey);
        for (int y = (int)Drawn.Y1; y < Drawn.Y2; y++)
            for (int x = (int)Drawn.X1; x < Drawn.X2; x++)
                (pixels[y * Size + x], pixels[Size * Size + y * Size + x], pixels[2 * Size * Size + y * Size + x]) =
                    ((byte)210, (byte)30, (byte)40);
        return pixels;
    }

    public static TheoryData<string, DetectionAugmentation.Draw> Draws() =>
        new()
        {
            { "identity", new(1, 0, 0, false, 1, 1, 1) },
            { "zoom out", new(0.75f, 0, 0, false, 1, 1, 1) },
            { "zoom in", new(1.25f, 0, 0, false, 1, 1, 1) },
            { "shift", new(1, 9.5f, -7.25f, false, 1, 1, 1) },
            { "flip", new(1, 0, 0, true, 1, 1, 1) },
            { "brighter", new(1, 0, 0, false, 1.25f, 1, 1) },
            { "less contrast", new(1, 0, 0, false, 1, 0.75f, 1) },
            { "desaturated", new(1, 0, 0, false, 1, 1, 0.5f) },
            { "all at once", new(1.2f, -6, 5, true, 0.8f, 1.2f, 1.4f) },
            { "pushed half out", new(1, 55, 0, false, 1, 1, 1) },
            { "sheared", new(1, 0, 0, false, 1, 1, 1, 0.2f, -0.15f) },
            { "all at once, sheared", new(1.2f, -6, 5, true, 0.8f, 1.2f, 1.4f, -0.12f, 0.1f) },
        };

    [Theory]
    [MemberData(nameof(Draws))]
    public void TheBoxStaysOnTheObject(string name, DetectionAugmentation.Draw draw)
    {
        var augmentation = new DetectionAugmentation();
        var (boxes, found) = Transform(augmentation, draw);
        var box = Assert.Single(boxes).Box;
        Assert.True(found is not null, $"{name}: the object left the picture");
        AssertNear(box, found.Value, name);
        if (draw is { Zoom: 1, ShiftX: 0, ShiftY: 0, ShearX: 0, ShearY: 0 })
            // Without zoom or shift the box moves by whole pixels: float32 round-off only.
            Near.Equal(draw.Flip ? Size - Drawn.X2 : Drawn.X1, box.X1, 1e-3);
    }

    [Fact]
    public void RandomDrawsKeepBoxesOnObjectsAndDropObjectsPushedOut()
    {
        var augmentation = new DetectionAugmentation { Scale = 0.5, Translate = 0.4, Shear = 10 };
        var rng = new Random(3);
        int dropped = 0;
        for (int i = 0; i < 40; i++)
        {
            var draw = augmentation.Sample(rng, Size);
            var (boxes, found) = Transform(augmentation, draw);
            if (boxes.Count == 0)
            {
                // Dropped only when most of the object is gone: at most a sliver of red remains.
                dropped++;
                Assert.True(found is null || found.Value.Area < augmentation.MinVisible * Drawn.Area * draw.Zoom
                    * draw.Zoom + 2 * Size, $"draw {i}: {draw} dropped a visible object");
                continue;
            }
            AssertNear(boxes[0].Box, found!.Value, $"draw {i}: {draw}");
        }
        Assert.InRange(dropped, 0, 20);
    }

    /// <summary>A mosaic keeps every box on its object: four pictures with the red rectangle (each moved by a
    /// different flip or shift first), put about centres from the middle to near the corners; every box kept is
    /// mostly red, no red is left outside the boxes beyond the edge pixels of the halved rectangles, and a
    /// rectangle cut by the picture's edge keeps a clipped box or none.</summary>
    [Theory]
    [InlineData(48, 48)]
    [InlineData(30, 60)]
    [InlineData(70, 25)]
    [InlineData(24, 72)]
    public void AMosaicKeepsEveryBoxOnItsObject(int cx, int cy)
    {
        var augmentation = new DetectionAugmentation { MosaicChance = 1 };
        var tiles = new[] { new(1, 0, 0, false, 1, 1, 1), new(1, 0, 0, true, 1, 1, 1), new(1, 20, 10, false, 1, 1, 1),
            new DetectionAugmentation.Draw(1, -10, 20, true, 1, 1, 1) }.Select(draw =>
            {
                var moved = new float[3 * Size * Size];
                DetectionAugmentation.Apply(draw, Picture(), Size, Letterbox.Grey, moved);
                var bytes = moved.Select(v => (byte)Math.Round(v * 255)).ToArray();
                return (bytes, (IEnumerable<TargetBox>)augmentation.Apply(draw, [new TargetBox(0, Drawn)], Size)
                    .ToList());
            }).ToList();
        var (pixels, boxes) = augmentation.Mosaic(tiles, Size, cx, cy, Letterbox.Grey);
        var red = pixels.Take(Size * Size).Select((r, i) =>
            r - Math.Max(pixels[Size * Size + i], pixels[2 * Size * Size + i]) > 40).ToArray();
        if (cx == 48 && cy == 48)
            Assert.Equal(4, boxes.Count); // every quadrant holds its whole half-size picture
        foreach (var box in boxes.Select(b => b.Box))
        {
            int inside = 0, total = 0;
            for (int y = (int)Math.Ceiling(box.Y1); y < (int)box.Y2; y++)
                for (int x = (int)Math.Ceiling(box.X1); x < (int)box.X2; x++, total++)
                    inside += red[y * Size + x] ? 1 : 0;
            Assert.True(inside >= 0.8 * total, $"({cx}, {cy}): box {box} is {inside} of {total} red");
        }
        bool InAnyBox(int x, int y) => boxes.Any(b =>
            x >= b.Box.X1 - 1 && x < b.Box.X2 + 1 && y >= b.Box.Y1 - 1 && y < b.Box.Y2 + 1);
        int outside = Enumerable.Range(0, Size * Size).Count(i => red[i] && !InAnyBox(i % Size, i / Size));
        // A rectangle cut to a sliver (its box dropped) may leave red: less than MinVisible of a halved
        // rectangle's area in each of the four tiles.
        Assert.True(outside <= 4 * augmentation.MinVisible * Drawn.Area / 4, $"({cx}, {cy}): {outside} red outside");
    }

    [Fact]
    public void NoAugmentationLeavesPicturesAndBoxesAsTheyAre()
    {
        var none = DetectionAugmentation.None;
        var draw = none.Sample(new Random(1), Size);
        var output = new float[3 * Size * Size];
        var picture = Picture();
        DetectionAugmentation.Apply(draw, picture, Size, Letterbox.Grey, output);
        Assert.Equal(picture.Select(p => p / 255f), output);
        Assert.Equal(Drawn, none.Apply(draw, [new TargetBox(0, Drawn)], Size).Single().Box);
    }

    [Fact]
    public void SpreadsThatWouldEraseOrInvertImagesAreRefused()
    {
        new DetectionAugmentation().Validate();
        var zoom = Assert.Throws<LeanNetsUsageException>(() => new DetectionAugmentation { Scale = 1 }.Validate());
        Assert.Contains("zoom spread must be in [0, 1), got 1", zoom.Message);
        Assert.Throws<LeanNetsUsageException>(() => new DetectionAugmentation { Saturation = -0.5 }.Validate());
        Assert.Throws<LeanNetsUsageException>(() => new DetectionAugmentation { MinVisible = 0 }.Validate());
        Assert.Throws<LeanNetsUsageException>(() => new DetectionAugmentation { MosaicChance = 1.5 }.Validate());
        Assert.Throws<LeanNetsUsageException>(
            () => new DetectionAugmentation { MosaicChance = 0.5, CloseMosaic = -1 }.Validate());
        var alone = Assert.Throws<LeanNetsUsageException>(
            () => new DetectionAugmentation { CloseMosaic = 5 }.Validate());
        Assert.Contains("no --mosaic chance is given", alone.Message);
        var shear = Assert.Throws<LeanNetsUsageException>(() => new DetectionAugmentation { Shear = 45 }.Validate());
        Assert.Contains("shear must be in [0, 45) degrees, got 45", shear.Message);
        Assert.Throws<LeanNetsUsageException>(() => new DetectionAugmentation { MultiScale = 1 }.Validate());
    }

    /// <summary>Multi-scale sides are the stride's multiples within the spread, the input size always among them;
    /// without a spread only the input size.</summary>
    [Fact]
    public void MultiScaleSidesAreStrideMultiplesAroundTheInputSize()
    {
        Assert.Equal([128, 160, 192, 224, 256, 288, 320, 352, 384], DetectionTask.MultiScaleSides(256, 0.5));
        Assert.Equal([256], DetectionTask.MultiScaleSides(256, 0));
        Assert.Equal([224, 256, 288], DetectionTask.MultiScaleSides(256, 0.125));
        Assert.Equal([32, 64, 96], DetectionTask.MultiScaleSides(64, 0.5));
    }

    /// <summary>Close-mosaic: of 10 epochs (0-based), the last 3 train without mosaics, the rest keep the chance,
    /// and nothing else changes.</summary>
    [Fact]
    public void TheLastEpochsTrainWithoutMosaics()
    {
        var augmentation = new DetectionAugmentation { MosaicChance = 0.5, CloseMosaic = 3 };
        var chances = Enumerable.Range(0, 10).Select(e => augmentation.ForEpoch(e, 10).MosaicChance).ToArray();
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0], chances);
        Assert.Equal(augmentation with { MosaicChance = 0 }, augmentation.ForEpoch(9, 10));
        var open = new DetectionAugmentation { MosaicChance = 0.5 };
        Assert.Same(open, open.ForEpoch(9, 10));
    }

    private static (IReadOnlyList<TargetBox> Boxes, BoundingBox? Found) Transform(
        DetectionAugmentation augmentation,
        DetectionAugmentation.Draw draw
    )
    {
        var output = new float[3 * Size * Size];
        DetectionAugmentation.Apply(draw, Picture(), Size, Letterbox.Grey, output);
        var boxes = augmentation.Apply(draw, [new TargetBox(0, Drawn)], Size).ToList();
        return (boxes, RedExtent(output));
    }

    /// <summary>The extent of clearly red pixels (half-covered edge pixels count when mostly red).</summary>
    private static BoundingBox? RedExtent(float[] image)
    {
        int plane = Size * Size;
        int x1 = Size, y1 = Size, x2 = -1, y2 = -1;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int i = y * Size + x;
                float r = image[i], g = image[plane + i], b = image[2 * plane + i];
                if (r - Math.Max(g, b) < 0.15f)
                    continue;
                (x1, y1, x2, y2) = (Math.Min(x1, x), Math.Min(y1, y), Math.Max(x2, x), Math.Max(y2, y));
            }
        return x2 < 0 ? null : new BoundingBox(x1, y1, x2 + 1, y2 + 1);
    }

    private static void AssertNear(BoundingBox expected, BoundingBox actual, string what)
    {
        float worst = new[]
        {
            expected.X1 - actual.X1, expected.Y1 - actual.Y1, expected.X2 - actual.X2, expected.Y2 - actual.Y2,
        }.Max(Math.Abs);
        Assert.True(worst <= 1.5f, $"{what}: box {expected} but the object covers {actual}");
    }
}
