using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>A font, colour and alignment for drawing labels.</summary>
public sealed class TextStyle(SKTypeface face, float size, SKColor color, SKTextAlign align) : IDisposable
{
    private readonly SKFont font = new(face, size);
    private readonly SKPaint paint = new() { Color = color, IsAntialias = true };

    public void Draw(SKCanvas canvas, string text, float x, float y) => canvas.DrawText(text, x, y, align, font, paint);

    public void Dispose()
    {
        font.Dispose();
        paint.Dispose();
    }
}
