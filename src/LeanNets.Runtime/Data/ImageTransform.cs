namespace LeanNets.Data;

/// <summary>
/// Per-sample preprocessing and augmentation to a fixed-size normalised float image (C, H, W).
/// Randomness comes only from the <see cref="Random"/> passed in, so a seeded stream repeats exactly.
/// </summary>
/// <param name="Size">output height and width.</param>
/// <param name="Pad">zero padding before a random crop of Size (CIFAR: 4).</param>
/// <param name="RandomResizedCrop">Inception-style crop of 8-100% area, aspect 3/4-4/3, resized to Size.</param>
/// <param name="ResizeShorter">for evaluation: resize the shorter side to this, then centre-crop Size (ImageNet:
/// 256).</param>
public sealed record ImageTransform(
    int Size,
    float[] Mean,
    float[] Std,
    int Pad = 0,
    bool RandomCrop = false,
    bool RandomResizedCrop = false,
    bool HorizontalFlip = false,
    int ResizeShorter = 0
)
{
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    public static readonly float[] CifarMean = [0.4914f, 0.4822f, 0.4465f];
    public static readonly float[] CifarStd = [0.2470f, 0.2435f, 0.2616f];
    public static readonly float[] FashionMnistMean = [0.2860f];
    public static readonly float[] FashionMnistStd = [0.3530f];

    public float[] Apply(ImageSample image, Random rng)
    {
        if (image.Channels != Mean.Length)
            throw new LeanNetsException(
                $"image has {image.Channels} channels but the transform normalises {Mean.Length}"
            );
        var (x0, y0, cropH, cropW) = ChooseRegion(image, rng);
        bool flip = HorizontalFlip && rng.NextDouble() < 0.5;
        var output = new float[image.Channels * Size * Size];
        if (cropH == Size && cropW == Size)
            CopyCrop(image, x0, y0, flip, output);
        else
            ResizeCrop(image, x0, y0, cropH, cropW, flip, output);
        return output;
    }

    /// <summary>The source region (may extend into the zero padding) that maps onto the output.</summary>
    private (double X, double Y, double H, double W) ChooseRegion(ImageSample image, Random rng)
    {
        int h = image.Height,
            w = image.Width;
        if (RandomResizedCrop)
        {
            double area = h * w;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                double target = area * (0.08 + rng.NextDouble() * 0.92);
                double logRatio = Math.Log(3.0 / 4) + rng.NextDouble() * (Math.Log(4.0 / 3) - Math.Log(3.0 / 4));
                double ratio = Math.Exp(logRatio);
                int cw = (int)Math.Round(Math.Sqrt(target * ratio)),
                    ch = (int)Math.Round(Math.Sqrt(target / ratio));
                if (cw > 0 && ch > 0 && cw <= w && ch <= h)
                    return (rng.Next(w - cw + 1), rng.Next(h - ch + 1), ch, cw);
            }
            int side = Math.Min(h, w);
            return ((w - side) / 2.0, (h - side) / 2.0, side, side);
        }
        if (ResizeShorter > 0)
        {
            double scale = (double)ResizeShorter / Math.Min(h, w);
            double crop = Size / scale; // the centre crop of Size in the resized image, in source pixels
            return ((w - crop) / 2, (h - crop) / 2, crop, crop);
        }
        if (RandomCrop)
        {
            // Pad then crop Size: offsets in [-Pad, h + Pad - Size]; an image smaller than the crop is
            // centred instead, jittered by up to Pad.
            return (CropOffset(w, rng), CropOffset(h, rng), Size, Size);
        }
        if (h == Size && w == Size)
            return (0, 0, Size, Size);
        if (Pad > 0 || (h < Size && w < Size))
            return (-(Size - w) / 2.0, -(Size - h) / 2.0, Size, Size); // centre the image on a zero canvas
        return (0, 0, h, w); // plain resize
    }

    private int CropOffset(int length, Random rng)
    {
        int low = -Pad,
            high = length + Pad - Size;
        if (high < low)
            (low, high) = ((length - Size) / 2 - Pad, (length - Size) / 2 + Pad);
        return low + rng.Next(high - low + 1);
    }

    private void CopyCrop(ImageSample image, double x0, double y0, bool flip, float[] output)
    {
        int ix = (int)Math.Round(x0),
            iy = (int)Math.Round(y0);
        for (int c = 0; c < image.Channels; c++)
        {
            float mean = Mean[c],
                inv = 1f / Std[c],
                zero = (0 - mean) * inv;
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    int sy = iy + y,
                        sx = ix + (flip ? Size - 1 - x : x);
                    bool inside = sy >= 0 && sy < image.Height && sx >= 0 && sx < image.Width;
                    output[(c * Size + y) * Size + x] = inside
                        ? (image.Pixels[(c * image.Height + sy) * image.Width + sx] / 255f - mean) * inv
                        : zero;
                }
        }
    }

    private void ResizeCrop(
        ImageSample image,
        double x0,
        double y0,
        double cropH,
        double cropW,
        bool flip,
        float[] output
    )
    {
        double sy = cropH / Size,
            sx = cropW / Size;
        for (int c = 0; c < image.Channels; c++)
        {
            float mean = Mean[c],
                inv = 1f / Std[c];
            for (int y = 0; y < Size; y++)
            {
                double fy = y0 + (y + 0.5) * sy - 0.5;
                for (int x = 0; x < Size; x++)
                {
                    int ox = flip ? Size - 1 - x : x;
                    double fx = x0 + (ox + 0.5) * sx - 0.5;
                    output[(c * Size + y) * Size + x] = (Bilinear(image, c, fy, fx) / 255f - mean) * inv;
                }
            }
        }
    }

    /// <summary>Channel <paramref name="c"/> sampled at (fy, fx); outside the image is black, or with
    /// <paramref name="clampToEdge"/> the nearest edge pixel (letterboxing keeps borders from darkening).</summary>
    internal static float Bilinear(ImageSample image, int c, double fy, double fx, bool clampToEdge = false)
    {
        int y0 = (int)Math.Floor(fy),
            x0 = (int)Math.Floor(fx);
        double wy = fy - y0,
            wx = fx - x0;
        double Pixel(int y, int x)
        {
            if (clampToEdge)
                (y, x) = (Math.Clamp(y, 0, image.Height - 1), Math.Clamp(x, 0, image.Width - 1));
            return y < 0 || y >= image.Height || x < 0 || x >= image.Width
                ? 0
                : image.Pixels[(c * image.Height + y) * image.Width + x];
        }
        return (float)(
            (1 - wy) * ((1 - wx) * Pixel(y0, x0) + wx * Pixel(y0, x0 + 1))
            + wy * ((1 - wx) * Pixel(y0 + 1, x0) + wx * Pixel(y0 + 1, x0 + 1))
        );
    }
}
