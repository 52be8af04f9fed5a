using LeanNets.Runtime;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Reports.Viz;

/// <summary>Pictures of what a model computes on one image: feature-map grids, heat-map overlays on the input
/// and signed input gradients.</summary>
public static class ActivationImages
{
    /// <summary>The first <paramref name="maxChannels"/> channels of a (1, C, H, W) map, each scaled to its own
    /// range on viridis, with a legend (per-map minimum to maximum).</summary>
    public static void SaveFeatureGrid(string path, Tensor map, string title, int maxChannels = 16, int tile = 72)
    {
        using var scope = NewDisposeScope();
        var maps = map.detach()[0].to(float32);
        int count = (int)Math.Min(maxChannels, maps.shape[0]),
            columns = Math.Min(8, count),
            rows = (count + columns - 1) / columns,
            top = 58;
        var resized = nn.functional.interpolate(maps.narrow(0, 0, count).unsqueeze(0), [tile, tile],
            mode: InterpolationMode.Nearest)[0];
        var low = resized.amin([1, 2], keepdim: true);
        var high = resized.amax([1, 2], keepdim: true);
        using var tiny = 1e-12.ToScalar();
        var scaled = ((resized - low) / (high - low).clamp_min(tiny)).contiguous().data<float>().ToArray();
        using var surface = SKSurface.Create(
            new SKImageInfo(Math.Max(columns * (tile + 4) + 8, 320), rows * (tile + 4) + top + 8)
        );
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = Canvas.Text(13);
        text.Draw(canvas, title, 6, 18);
        ColorMaps.DrawLegend(canvas, new SKRect(6, 26, 206, 36), ColorMaps.Viridis, 0, 1);
        for (int c = 0; c < count; c++)
            DrawPixels(canvas, 6 + c % columns * (tile + 4), top + c / columns * (tile + 4), tile,
                i => ColorMaps.Viridis(scaled[c * tile * tile + i]));
        Canvas.SavePng(surface, path);
    }

    /// <summary>The input as the model saw it.</summary>
    public static void SaveImage(string path, byte[] rgb, int size)
    {
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        int plane = size * size;
        DrawPixels(surface.Canvas, 0, 0, size, i => new SKColor(rgb[i], rgb[plane + i], rgb[2 * plane + i]));
        Canvas.SavePng(surface, path);
    }

    /// <summary>A (H, W) heat map in [0, 1] on turbo, blended half and half over the input.</summary>
    public static void SaveOverlay(string path, byte[] rgb, int size, Tensor heat)
    {
        float[] values;
        using (NewDisposeScope())
            values = heat.detach().to(float32).contiguous().data<float>().ToArray();
        int plane = size * size;
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        DrawPixels(surface.Canvas, 0, 0, size, i =>
        {
            var c = ColorMaps.Turbo(values[i]);
            return new SKColor(
                (byte)((rgb[i] + c.Red) / 2),
                (byte)((rgb[plane + i] + c.Green) / 2),
                (byte)((rgb[2 * plane + i] + c.Blue) / 2)
            );
        });
        Canvas.SavePng(surface, path);
    }

    /// <summary>A signed input gradient (C, H, W) as pytorch-grad-cam shows it: normalised to zero mean and
    /// 0.1 standard deviation around grey, clipped; one channel is shown grey.</summary>
    public static void SaveGradient(string path, Tensor gradient)
    {
        using var scope = NewDisposeScope();
        var g = gradient.detach().to(float32);
        using var tiny = 1e-12.ToScalar();
        using var spread = 0.1.ToScalar();
        using var grey = 0.5.ToScalar();
        using var white = 255.ToScalar();
        g = ((g - g.mean()) / g.std().clamp_min(tiny)).mul(spread).add(grey, OwnedScalars.One);
        g = g.clamp(OwnedScalars.Zero, OwnedScalars.One);
        if (g.shape[0] != 3)
            g = g.mean([0], keepdim: true).expand(3, -1, -1);
        int size = (int)g.shape[1];
        var values = g.mul(white).round().to(uint8).contiguous().data<byte>().ToArray();
        int plane = size * size;
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        DrawPixels(surface.Canvas, 0, 0, size, i => new SKColor(values[i], values[plane + i], values[2 * plane + i]));
        Canvas.SavePng(surface, path);
    }

    private static void DrawPixels(SKCanvas canvas, float x0, float y0, int size, Func<int, SKColor> color)
    {
        using var bitmap = new SKBitmap(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                bitmap.SetPixel(x, y, color(y * size + x));
        canvas.DrawBitmap(bitmap, x0, y0);
    }
}
