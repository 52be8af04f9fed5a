using LeanNets.Models.Detection;

namespace LeanNets.Data.Detection;

/// <summary>
/// Random training transforms of a letterboxed square image and its boxes: a shear and a zoom about the centre, a
/// translation, a horizontal flip (one affine map applied to pixels and boxes alike) and colour jitter
/// (brightness, contrast, saturation; pixels only). Boxes are clipped to the image; one that keeps less than
/// <see cref="MinVisible"/> of its area, or becomes thinner than two pixels, is dropped rather than asking
/// the detector to find an object that is no longer there.
/// </summary>
public sealed record DetectionAugmentation
{
    /// <summary>Zoom factors are drawn from [1 - Scale, 1 + Scale].</summary>
    public double Scale { get; init; } = 0.25;

    /// <summary>Shifts are drawn from [-Translate, Translate] of the side, per axis.</summary>
    public double Translate { get; init; } = 0.1;

    /// <summary>Shear angles in degrees, drawn per axis from [-Shear, Shear] (Ultralytics' shear; default 0, off).
    /// A sheared box is the one enclosing its sheared outline's part inside the picture (<see cref="Apply(Draw,
    /// IEnumerable{TargetBox}, int)"/>).</summary>
    public double Shear { get; init; }
    public bool Flip { get; init; } = true;

    /// <summary>Multi-scale training: each batch is resized to a side drawn from [(1 - x) S, (1 + x) S] at a
    /// multiple of the stride 32 (S the input size; YOLOv3's and Ultralytics' multi_scale); 0 is off.</summary>
    public double MultiScale { get; init; }

    /// <summary>Brightness and contrast factors in [1 - x, 1 + x].</summary>
    public double Brightness { get; init; } = 0.25;
    public double Contrast { get; init; } = 0.25;

    /// <summary>Saturation factor in [1 - x, 1 + x] (0 is grey).</summary>
    public double Saturation { get; init; } = 0.5;

    /// <summary>The chance that a training image becomes a mosaic of four (<see cref="Mosaic"/>): itself and three
    /// others drawn at random, each at half the side in a quadrant about a random centre, then transformed as one
    /// picture. More objects per image, at more scales and in unusual contexts (YOLOv4's mosaic); 0 turns it off.
    /// </summary>
    public double MosaicChance { get; init; }

    /// <summary>Epochs at the end of a run trained without mosaics (Ultralytics' close_mosaic): the last ones then
    /// see whole pictures, as evaluation does.</summary>
    public int CloseMosaic { get; init; }

    /// <summary>The augmentation of 0-based epoch <paramref name="epoch"/> of <paramref name="epochs"/>: this one,
    /// without mosaics in the last <see cref="CloseMosaic"/> epochs.</summary>
    public DetectionAugmentation ForEpoch(int epoch, int epochs) =>
        MosaicChance > 0 && epoch >= epochs - CloseMosaic ? this with { MosaicChance = 0 } : this;

    /// <summary>Fraction of a box's area that must stay inside the image for it to remain a target.</summary>
    public double MinVisible { get; init; } = 0.25;

    /// <summary>Flips only: what LeanNets' detector training did before the geometric and colour
    /// transforms.</summary>
    public static DetectionAugmentation FlipOnly { get; } =
        new()
        {
            Scale = 0,
            Translate = 0,
            Brightness = 0,
            Contrast = 0,
            Saturation = 0,
        };

    public static DetectionAugmentation None { get; } = FlipOnly with { Flip = false };

    /// <summary>Refuses spreads that would flip, erase or invert images (a zoom of 0 or less, a factor below 0).
    /// </summary>
    public void Validate()
    {
        Bounds.Require(Scale is >= 0 and < 1, "augmentation zoom spread", Scale, "[0, 1)");
        Bounds.Require(Translate is >= 0 and <= 1, "augmentation shift", Translate, "[0, 1]");
        Bounds.Require(Shear is >= 0 and < 45, "shear", Shear, "[0, 45) degrees");
        Bounds.Require(MultiScale is >= 0 and < 1, "multi-scale spread", MultiScale, "[0, 1)");
        foreach (var (what, value) in new[] { ("brightness", Brightness), ("contrast", Contrast),
            ("saturation", Saturation) })
            Bounds.Require(value is >= 0 and <= 1, $"augmentation {what} spread", value, "[0, 1]");
        Bounds.Require(MinVisible is > 0 and <= 1, "augmentation minimum visible fraction", MinVisible, "(0, 1]");
        Bounds.Require(MosaicChance is >= 0 and <= 1, "mosaic chance", MosaicChance, "[0, 1]");
        Bounds.Require(CloseMosaic >= 0, "epochs without mosaics", CloseMosaic, "0 or more");
        if (CloseMosaic > 0 && MosaicChance == 0)
            throw new LeanNetsUsageException("--close-mosaic ends mosaics early, but no --mosaic chance is given");
    }

    /// <summary>One draw of the random parameters; the shears are tangents (x moves by ShearX times the height
    /// above the centre, y by ShearY times the offset across it).</summary>
    public sealed record Draw(float Zoom, float ShiftX, float ShiftY, bool Flip, float Brightness, float Contrast,
        float Saturation, float ShearX = 0, float ShearY = 0);

    public Draw Sample(Random rng, int size)
    {
        float Around1(double spread) => (float)(1 + spread * (2 * rng.NextDouble() - 1));
        float Shift() => (float)(Translate * size * (2 * rng.NextDouble() - 1));
        var draw = new Draw(Around1(Scale), Shift(), Shift(), Flip && rng.Next(2) == 1, Around1(Brightness),
            Around1(Contrast), Around1(Saturation));
        // Drawn only when asked for, so runs without shear keep their random stream.
        float Tilt() => (float)Math.Tan(Shear * Math.PI / 180 * (2 * rng.NextDouble() - 1));
        return Shear > 0 ? draw with { ShearX = Tilt(), ShearY = Tilt() } : draw;
    }

    /// <summary>Where a point of the input lands: shear and zoom about the centre, shift, then mirror.</summary>
    private static (float X, float Y) Forward(Draw d, int size, float x, float y)
    {
        float c = size / 2f, u = x - c, v = y - c;
        float ox = (u + d.ShearX * v) * d.Zoom + c + d.ShiftX, oy = (d.ShearY * u + v) * d.Zoom + c + d.ShiftY;
        return (d.Flip ? size - ox : ox, oy);
    }

    /// <summary>The transformed image as floats in [0, 1], channel-major, from a size x size byte image;
    /// uncovered pixels get <paramref name="fill"/>.</summary>
    public static void Apply(Draw d, byte[] pixels, int size, byte fill, Span<float> output)
    {
        int plane = size * size;
        var image = new ImageSample(pixels, 3, size, size, 0);
        float c = size / 2f, det = 1 - d.ShearX * d.ShearY;
        for (int y = 0; y < size; y++)
        {
            // The inverse map, sampled at pixel centres: undo the shift and zoom, then the shear.
            float v = (y + 0.5f - c - d.ShiftY) / d.Zoom;
            for (int x = 0; x < size; x++)
            {
                float ox = d.Flip ? size - (x + 0.5f) : x + 0.5f;
                float u = (ox - c - d.ShiftX) / d.Zoom;
                float sx = (u - d.ShearX * v) / det + c - 0.5f, sy = (v - d.ShearY * u) / det + c - 0.5f;
                bool inside = sy >= -0.5f && sy <= size - 0.5f && sx >= -0.5f && sx <= size - 0.5f;
                for (int ch = 0; ch < 3; ch++)
                    output[ch * plane + y * size + x] =
                        (inside ? ImageTransform.Bilinear(image, ch, sy, sx, clampToEdge: true) : fill) / 255f;
            }
        }
        Jitter(d, output[..(3 * plane)], plane);
    }

    /// <summary>Brightness, then contrast about the image's mean grey, then saturation about each pixel's grey
    /// (ITU-R 601 luma), clamped to [0, 1].</summary>
    private static void Jitter(Draw d, Span<float> rgb, int plane)
    {
        if (d.Brightness == 1 && d.Contrast == 1 && d.Saturation == 1)
            return;
        double meanGrey = 0;
        for (int i = 0; i < plane; i++)
            meanGrey += Luma(rgb[i], rgb[plane + i], rgb[2 * plane + i]);
        float mean = (float)(meanGrey / plane) * d.Brightness;
        for (int i = 0; i < plane; i++)
        {
            float r = rgb[i] * d.Brightness, g = rgb[plane + i] * d.Brightness, b = rgb[2 * plane + i] * d.Brightness;
            (r, g, b) = (Contrast(r), Contrast(g), Contrast(b));
            float grey = Luma(r, g, b);
            rgb[i] = Math.Clamp(grey + (r - grey) * d.Saturation, 0, 1);
            rgb[plane + i] = Math.Clamp(grey + (g - grey) * d.Saturation, 0, 1);
            rgb[2 * plane + i] = Math.Clamp(grey + (b - grey) * d.Saturation, 0, 1);
        }
        float Contrast(float v) => mean + (v - mean) * d.Contrast;
    }

    private static float Luma(float r, float g, float b) => 0.299f * r + 0.587f * g + 0.114f * b;

    /// <summary>
    /// Four letterboxed size x size pictures (channel-major bytes, an even side) and their boxes made one: each
    /// shrunk to half the side (means of 2x2 pixels) and put with a corner on the centre
    /// (<paramref name="cx"/>, <paramref name="cy"/>): the first up and left of it, then up-right, down-left and
    /// down-right, so the four never overlap. What falls outside the picture is cut and uncovered pixels are
    /// <paramref name="fill"/>; boxes move with their pixels and are clipped, and one left with less than
    /// <see cref="MinVisible"/> of its area, or thinner than two pixels, is dropped.
    /// </summary>
    public (byte[] Pixels, List<TargetBox> Boxes) Mosaic(
        IReadOnlyList<(byte[] Pixels, IEnumerable<TargetBox> Boxes)> tiles, int size, int cx, int cy, byte fill)
    {
        int half = size / 2, plane = size * size;
        var output = new byte[3 * plane];
        Array.Fill(output, fill);
        var boxes = new List<TargetBox>();
        for (int k = 0; k < 4; k++)
        {
            int x0 = k % 2 == 0 ? cx - half : cx, y0 = k < 2 ? cy - half : cy;
            var source = tiles[k].Pixels;
            for (int ty = Math.Max(0, -y0); ty < half && y0 + ty < size; ty++)
                for (int tx = Math.Max(0, -x0); tx < half && x0 + tx < size; tx++)
                    for (int c = 0; c < 3; c++)
                    {
                        int at = c * plane + 2 * ty * size + 2 * tx;
                        int sum = source[at] + source[at + 1] + source[at + size] + source[at + size + 1];
                        output[c * plane + (y0 + ty) * size + x0 + tx] = (byte)((sum + 2) / 4);
                    }
            float left = Math.Max(0, x0), top = Math.Max(0, y0);
            float right = Math.Min(size, x0 + half), bottom = Math.Min(size, y0 + half);
            foreach (var t in tiles[k].Boxes)
            {
                var moved = new BoundingBox(t.Box.X1 / 2 + x0, t.Box.Y1 / 2 + y0, t.Box.X2 / 2 + x0,
                    t.Box.Y2 / 2 + y0);
                var clipped = new BoundingBox(Math.Max(left, moved.X1), Math.Max(top, moved.Y1),
                    Math.Min(right, moved.X2), Math.Min(bottom, moved.Y2));
                if (clipped.Width >= 2 && clipped.Height >= 2 && clipped.Area >= MinVisible * moved.Area)
                    boxes.Add(t with { Box = clipped });
            }
        }
        return (output, boxes);
    }

    /// <summary>The boxes after the draw's geometry, clipped to the image: the box is the one enclosing the part
    /// of the moved outline (a parallelogram under shear) inside the image, so a sheared box cut by the edge stays
    /// tight; a box keeping less than <see cref="MinVisible"/> of the outline's area is dropped.</summary>
    public IEnumerable<TargetBox> Apply(Draw d, IEnumerable<TargetBox> boxes, int size)
    {
        foreach (var t in boxes)
        {
            var outline = new List<(float X, float Y)>
            {
                Forward(d, size, t.Box.X1, t.Box.Y1), Forward(d, size, t.Box.X2, t.Box.Y1),
                Forward(d, size, t.Box.X2, t.Box.Y2), Forward(d, size, t.Box.X1, t.Box.Y2),
            };
            var inside = ClipToSquare(outline, size);
            if (inside.Count < 3)
                continue;
            var clipped = new BoundingBox(inside.Min(p => p.X), inside.Min(p => p.Y), inside.Max(p => p.X),
                inside.Max(p => p.Y));
            if (clipped.Width >= 2 && clipped.Height >= 2 && Area(inside) >= MinVisible * Area(outline))
                yield return t with { Box = clipped };
        }
    }

    /// <summary>A convex polygon cut to the square [0, size]^2 (Sutherland-Hodgman, one edge at a time).</summary>
    private static List<(float X, float Y)> ClipToSquare(List<(float X, float Y)> polygon, int size)
    {
        // Each edge as the signed distance of a point inside it.
        Func<(float X, float Y), float>[] edges = [p => p.X, p => size - p.X, p => p.Y, p => size - p.Y];
        foreach (var inside in edges)
        {
            var kept = new List<(float X, float Y)>();
            for (int i = 0; i < polygon.Count; i++)
            {
                var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
                float da = inside(a), db = inside(b);
                if (da >= 0)
                    kept.Add(a);
                if (da >= 0 != db >= 0)
                {
                    float k = da / (da - db);
                    kept.Add((a.X + k * (b.X - a.X), a.Y + k * (b.Y - a.Y)));
                }
            }
            polygon = kept;
        }
        return polygon;
    }

    /// <summary>A polygon's area (the shoelace formula).</summary>
    private static float Area(List<(float X, float Y)> polygon)
    {
        float twice = 0;
        for (int i = 0; i < polygon.Count; i++)
        {
            var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
            twice += a.X * b.Y - b.X * a.Y;
        }
        return Math.Abs(twice) / 2;
    }
}
