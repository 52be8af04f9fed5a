using LeanNets.IO;
using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>Shared drawing helpers: a font that exists on the machine, atomic PNG writing.</summary>
public static class Canvas
{
    private static readonly Lazy<SKTypeface> Face = new(() =>
    {
        foreach (
            var path in new[]
            {
                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "/usr/share/fonts/TTF/DejaVuSans.ttf",
                "/Library/Fonts/Arial.ttf",
                @"C:\Windows\Fonts\arial.ttf",
            }
        )
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } face)
                return face;
        return SKTypeface.Default;
    });

    public static TextStyle Text(float size, SKColor? color = null, SKTextAlign align = SKTextAlign.Left) =>
        new(Face.Value, size, color ?? SKColors.Black, align);

    public static SKPaint Stroke(SKColor color, float width = 2) =>
        new()
        {
            Color = color,
            StrokeWidth = width,
            IsStroke = true,
            IsAntialias = true,
        };

    public static SKPaint Fill(SKColor color) =>
        new()
        {
            Color = color,
            IsStroke = false,
            IsAntialias = true,
        };

    /// <summary>Encodes and writes a PNG through a temporary file, so readers never see half a picture.</summary>
    public static void SavePng(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }
}
