using SkiaSharp;
using static TorchSharp.torch;

namespace LeanNets.Reports;

/// <summary>
/// Draws convolution kernels as a grid of small heat maps (blue negative, white zero, red positive),
/// each kernel scaled by the largest magnitude in the layer, as the VGNet paper's Fig. 3-7 show them.
/// </summary>
public static class KernelGrid
{
    /// <param name="weight">[out, in, k, k]; the first input channel of each filter is drawn.</param>
    public static void Save(string path, Tensor weight, string title, int maxKernels = 64, int cell = 14)
    {
        using var w = weight.detach().to(float32).cpu();
        long count = Math.Min(maxKernels, w.shape[0]),
            k = w.shape[2];
        var values = w.select(1, 0).narrow(0, 0, count).contiguous().data<float>().ToArray();
        float scale = Math.Max(1e-12f, values.Max(Math.Abs));
        int columns = (int)Math.Min(16, count),
            rows = (int)((count + columns - 1) / columns);
        int tile = (int)k * cell + 6,
            top = 28;
        using var surface = SKSurface.Create(new SKImageInfo(Math.Max(columns * tile + 8, 300), rows * tile + top + 8));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = Canvas.Text(13);
        canvas.DrawText(title, 6, 18, text);
        for (int i = 0; i < count; i++)
        {
            float x0 = 6 + i % columns * tile,
                y0 = top + i / columns * tile;
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++)
                {
                    float value = values[(i * k + u) * k + v] / scale;
                    using var fill = Canvas.Fill(Diverging(value));
                    canvas.DrawRect(x0 + v * cell, y0 + u * cell, cell, cell, fill);
                }
            using var border = Canvas.Stroke(SKColors.LightGray, 1);
            canvas.DrawRect(x0, y0, k * cell, k * cell, border);
        }
        Canvas.SavePng(surface, path);
    }

    private static SKColor Diverging(float v)
    {
        v = Math.Clamp(v, -1, 1);
        byte fade = (byte)(255 * (1 - Math.Abs(v)));
        return v >= 0 ? new SKColor(255, fade, fade) : new SKColor(fade, fade, 255);
    }
}
