using SkiaSharp;
using static TorchSharp.torch;

namespace LeanNets.Reports;

/// <summary>
/// Draws convolution kernels as a grid of small heat maps on a diverging colour map (white = 0), every kernel
/// scaled by the largest magnitude in the layer, as the VGNet paper's Figs. 3-7 show them, with a legend; an
/// optional frame colour per kernel marks its type in the kernel atlas.
/// </summary>
public static class KernelGrid
{
    /// <param name="weight">[out, in, k, k]; the first input channel of each filter is drawn.</param>
    public static void Save(string path, Tensor weight, string title, int maxKernels = 64, int cell = 14)
    {
        using var scope = NewDisposeScope();
        var w = weight.detach().to(float32).cpu();
        long count = Math.Min(maxKernels, w.shape[0]);
        var values = w.select(1, 0).narrow(0, 0, count).contiguous().data<float>().ToArray();
        Save(path, values, (int)w.shape[2], title, cell: cell);
    }

    /// <param name="values">kernels of <paramref name="size"/> x <paramref name="size"/>, one after another.</param>
    /// <param name="frames">a frame colour per kernel (null: grey frames).</param>
    /// <param name="key">what the frame colours mean, drawn beside the colour bar.</param>
    public static void Save(
        string path,
        float[] values,
        int size,
        string title,
        IReadOnlyList<SKColor>? frames = null,
        IReadOnlyList<(string Label, SKColor Color)>? key = null,
        int maxKernels = 64,
        int cell = 14
    )
    {
        int count = Math.Min(maxKernels, values.Length / (size * size));
        float scale = Math.Max(1e-12f, values.Take(count * size * size).Select(Math.Abs).DefaultIfEmpty(0).Max());
        int columns = Math.Max(1, Math.Min(16, count)),
            rows = (count + columns - 1) / columns;
        int tile = size * cell + 6,
            top = 58;
        using var surface = SKSurface.Create(
            new SKImageInfo(
                Math.Max(columns * tile + 8, key == null ? 320 : 240 + 100 * key.Count),
                rows * tile + top + 8
            )
        );
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = Canvas.Text(13);
        text.Draw(canvas, title, 6, 18);
        ColorMaps.DrawLegend(canvas, new SKRect(6, 26, 206, 36), ColorMaps.Diverging, -scale, scale, diverging: true);
        using var keyText = Canvas.Text(11);
        for (int i = 0; i < (key?.Count ?? 0); i++)
        {
            using var swatch = Canvas.Fill(key![i].Color);
            canvas.DrawRect(230 + 100 * i, 26, 10, 10, swatch);
            keyText.Draw(canvas, key[i].Label, 244 + 100 * i, 35);
        }
        for (int i = 0; i < count; i++)
        {
            float x0 = 6 + i % columns * tile,
                y0 = top + i / columns * tile;
            for (int u = 0; u < size; u++)
                for (int v = 0; v < size; v++)
                {
                    using var fill = Canvas.Fill(ColorMaps.Diverging(values[(i * size + u) * size + v] / scale));
                    canvas.DrawRect(x0 + v * cell, y0 + u * cell, cell, cell, fill);
                }
            using var frame = Canvas.Stroke(frames?[i] ?? SKColors.LightGray, frames == null ? 1 : 3);
            canvas.DrawRect(x0 - 1, y0 - 1, size * cell + 2, size * cell + 2, frame);
        }
        Canvas.SavePng(surface, path);
    }
}
