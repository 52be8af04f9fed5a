using LeanNets.Models.Detection;
using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>A picture with its detections drawn: a box per object and a label with class and score.</summary>
public static class DetectionImage
{
    private static readonly SKColor[] Palette =
    [
        new(230, 25, 75), new(60, 180, 75), new(0, 130, 200), new(245, 130, 48), new(145, 30, 180),
        new(70, 240, 240), new(240, 50, 230), new(210, 245, 60),
    ];

    public static void Write(string imagePath, IReadOnlyList<DetectedObject> detections,
        IReadOnlyList<string> classNames, string outputPath)
    {
        using var bitmap = SKBitmap.Decode(imagePath)
            ?? throw BadImageException.Undecodable(imagePath);
        using var surface = SKSurface.Create(new SKImageInfo(bitmap.Width, bitmap.Height));
        var canvas = surface.Canvas;
        canvas.DrawBitmap(bitmap, 0, 0);
        float line = Math.Max(2, Math.Min(bitmap.Width, bitmap.Height) / 200f);
        using var text = Canvas.Text(Math.Max(12, line * 6), SKColors.White);
        foreach (var d in detections.OrderBy(d => d.Score))
        {
            var color = Palette[d.Class % Palette.Length];
            var box = new SKRect(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2);
            using var stroke = Canvas.Stroke(color, line);
            canvas.DrawRect(box, stroke);
            string label = $"{classNames[d.Class]} {d.Score:P0}";
            float height = line * 8;
            using var fill = Canvas.Fill(color);
            canvas.DrawRect(new SKRect(box.Left, Math.Max(0, box.Top - height), box.Left + label.Length * line * 3.6f,
                Math.Max(height, box.Top)), fill);
            text.Draw(canvas, label, box.Left + line, Math.Max(height, box.Top) - line * 1.5f);
        }
        Canvas.SavePng(surface, outputPath);
    }
}
