using LeanNets.Data;

namespace LeanNets.Data.Detection;

/// <summary>How a detector sees a picture of any shape: scaled to fit its square input, centred on grey (YOLO's
/// letterbox), and how its boxes map back to the picture's own pixels.</summary>
public static class Letterbox
{
    /// <summary>The fill around a letterboxed picture (YOLO's grey).</summary>
    public const byte Grey = 114;

    /// <summary>Scale and offset that fit an h x w image into the square, centred.</summary>
    public static (float Scale, float PadX, float PadY) Fit(int h, int w, int size)
    {
        float scale = Math.Min((float)size / w, (float)size / h);
        return (scale, (size - w * scale) / 2, (size - h * scale) / 2);
    }

    /// <summary>An h x w RGB image (channel-major bytes) scaled to fit size x size, centred on grey
    /// (bilinear).</summary>
    public static byte[] Pixels(byte[] chw, int h, int w, int size)
    {
        var (scale, padX, padY) = Fit(h, w, size);
        var output = new byte[3 * size * size];
        Array.Fill(output, Grey);
        var image = new ImageSample(chw, 3, h, w, 0);
        for (int y = 0; y < size; y++)
        {
            float sy = (y + 0.5f - padY) / scale - 0.5f;
            if (sy < -0.5f || sy > h - 0.5f)
                continue;
            for (int x = 0; x < size; x++)
            {
                float sx = (x + 0.5f - padX) / scale - 0.5f;
                if (sx < -0.5f || sx > w - 0.5f)
                    continue;
                for (int c = 0; c < 3; c++)
                {
                    float value = ImageTransform.Bilinear(image, c, sy, sx, clampToEdge: true) + 0.5f;
                    output[c * size * size + y * size + x] = (byte)Math.Clamp(value, 0, 255);
                }
            }
        }
        return output;
    }
}
