using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>
/// The report's colour maps (ScottPlot's): viridis (perceptual, sequential) for feature maps, turbo (a
/// perceptual jet) for attribution heat maps, cmocean's balance (diverging, white at zero) for kernels, and a
/// legend bar to draw beside any of them.
/// </summary>
public static class ColorMaps
{
    private static readonly IColormap ViridisMap = new ScottPlot.Colormaps.Viridis(),
        TurboMap = new ScottPlot.Colormaps.Turbo(),
        BalanceMap = new ScottPlot.Colormaps.Balance();

    /// <param name="v">0..1 (clamped).</param>
    public static SKColor Viridis(double v) => ToSk(ViridisMap.GetColor(Math.Clamp(v, 0, 1)));

    /// <param name="v">0..1 (clamped).</param>
    public static SKColor Turbo(double v) => ToSk(TurboMap.GetColor(Math.Clamp(v, 0, 1)));

    /// <param name="v">-1..1 (clamped); 0 is white.</param>
    public static SKColor Diverging(double v) => ToSk(BalanceMap.GetColor((Math.Clamp(v, -1, 1) + 1) / 2));

    /// <summary>A horizontal colour bar over <paramref name="area"/> with labels under its ends and middle.</summary>
    public static void DrawLegend(
        SKCanvas canvas,
        SKRect area,
        Func<double, SKColor> map,
        double low,
        double high,
        bool diverging = false
    )
    {
        for (int x = 0; x < (int)area.Width; x++)
        {
            double t = x / Math.Max(1.0, area.Width - 1);
            using var fill = Canvas.Fill(map(diverging ? 2 * t - 1 : t));
            canvas.DrawRect(area.Left + x, area.Top, 1, area.Height, fill);
        }
        using var border = Canvas.Stroke(SKColors.Gray, 1);
        canvas.DrawRect(area, border);
        using var left = Canvas.Text(10, SKColors.DimGray);
        using var middle = Canvas.Text(10, SKColors.DimGray, SKTextAlign.Center);
        using var right = Canvas.Text(10, SKColors.DimGray, SKTextAlign.Right);
        float y = area.Bottom + 11;
        left.Draw(canvas, Label(low), area.Left, y);
        middle.Draw(canvas, Label((low + high) / 2), area.MidX, y);
        right.Draw(canvas, Label(high), area.Right, y);
    }

    /// <summary>A legend on its own (0 to 1), for pictures that share one colour map.</summary>
    public static void SaveLegend(string path, Func<double, SKColor> map, string title)
    {
        using var surface = SKSurface.Create(new SKImageInfo(260, 52));
        surface.Canvas.Clear(SKColors.White);
        using var text = Canvas.Text(11);
        text.Draw(surface.Canvas, title, 4, 13);
        DrawLegend(surface.Canvas, new SKRect(4, 20, 254, 32), map, 0, 1);
        Canvas.SavePng(surface, path);
    }

    private static string Label(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    private static SKColor ToSk(Color c) => new(c.R, c.G, c.B, c.A);
}
