using System.Globalization;
using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>A small line chart (several series over a shared x axis) rendered to PNG.</summary>
public sealed class LineChart(string title, string xLabel, string yLabel)
{
    private readonly List<(string Name, IReadOnlyList<(double X, double Y)> Points)> series = [];

    public LineChart Add(string name, IEnumerable<(double X, double Y)> points)
    {
        series.Add((name, points.Where(p => double.IsFinite(p.Y)).ToList()));
        return this;
    }

    public void Save(string path, int width = 640, int height = 400)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        Draw(surface.Canvas, new SKRect(0, 0, width, height));
        Canvas.SavePng(surface, path);
    }

    public void Draw(SKCanvas canvas, SKRect area)
    {
        canvas.DrawRect(area, Canvas.Fill(SKColors.White));
        var plot = new SKRect(area.Left + 64, area.Top + 36, area.Right - 20, area.Bottom - 48);
        using var titlePaint = Canvas.Text(16, align: SKTextAlign.Center);
        using var label = Canvas.Text(12, SKColors.DimGray, SKTextAlign.Center);
        using var tick = Canvas.Text(11, SKColors.DimGray, SKTextAlign.Right);
        using var axis = Canvas.Stroke(SKColors.Gray, 1);
        using var grid = Canvas.Stroke(new SKColor(0xe8, 0xe8, 0xe8), 1);
        canvas.DrawText(title, area.MidX, area.Top + 22, titlePaint);
        canvas.DrawText(xLabel, plot.MidX, area.Bottom - 10, label);
        canvas.Save();
        canvas.RotateDegrees(-90, area.Left + 14, plot.MidY);
        canvas.DrawText(yLabel, area.Left + 14, plot.MidY, label);
        canvas.Restore();
        var all = series.SelectMany(s => s.Points).ToList();
        if (all.Count == 0)
            return;
        double x0 = all.Min(p => p.X),
            x1 = all.Max(p => p.X),
            y0 = all.Min(p => p.Y),
            y1 = all.Max(p => p.Y);
        if (x1 == x0)
            x1 = x0 + 1;
        if (y1 == y0)
        {
            y0 -= 0.5;
            y1 += 0.5;
        }
        double pad = (y1 - y0) * 0.05;
        (y0, y1) = (y0 - pad, y1 + pad);
        float X(double v) => plot.Left + (float)((v - x0) / (x1 - x0)) * plot.Width;
        float Y(double v) => plot.Bottom - (float)((v - y0) / (y1 - y0)) * plot.Height;
        for (int i = 0; i <= 5; i++)
        {
            double v = y0 + (y1 - y0) * i / 5;
            canvas.DrawLine(plot.Left, Y(v), plot.Right, Y(v), grid);
            canvas.DrawText(v.ToString("G4", CultureInfo.InvariantCulture), plot.Left - 6, Y(v) + 4, tick);
        }
        using var xtick = Canvas.Text(11, SKColors.DimGray, SKTextAlign.Center);
        for (int i = 0; i <= 5; i++)
        {
            double v = x0 + (x1 - x0) * i / 5;
            canvas.DrawText(v.ToString("G4", CultureInfo.InvariantCulture), X(v), plot.Bottom + 16, xtick);
        }
        canvas.DrawRect(plot, axis);
        for (int s = 0; s < series.Count; s++)
        {
            var color = Canvas.Palette[s % Canvas.Palette.Length];
            using var line = Canvas.Stroke(color, 2);
            using var dot = Canvas.Fill(color);
            var pts = series[s].Points;
            for (int i = 1; i < pts.Count; i++)
                canvas.DrawLine(X(pts[i - 1].X), Y(pts[i - 1].Y), X(pts[i].X), Y(pts[i].Y), line);
            foreach (var p in pts)
                canvas.DrawCircle(X(p.X), Y(p.Y), 3, dot);
            using var legend = Canvas.Text(12, color);
            canvas.DrawText(series[s].Name, plot.Left + 10, plot.Top + 16 + 16 * s, legend);
        }
    }
}
