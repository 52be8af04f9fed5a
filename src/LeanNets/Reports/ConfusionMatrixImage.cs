using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>A confusion matrix as a heat map (rows: true class, columns: predicted), row-normalised, with a
/// title and both axes named.</summary>
public static class ConfusionMatrixImage
{
    private const int TitleBand = 44,
        AxisBand = 22;

    public static void Save(string path, long[,] confusion, IReadOnlyList<string> classNames)
    {
        int n = confusion.GetLength(0),
            cell = n <= 20 ? 40 : Math.Max(4, 800 / n),
            margin = n <= 20 ? 110 : 20;
        // The grid's top-left corner: below the title and the "predicted" band, right of the "true" band.
        int x0 = AxisBand + margin,
            y0 = TitleBand + margin;
        int width = x0 + n * cell + 20,
            height = y0 + n * cell + 20;
        using var surface = SKSurface.Create(new SKImageInfo(Math.Max(width, 360), height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var title = Canvas.Text(14, SKColors.Black, SKTextAlign.Center);
        using var axis = Canvas.Text(12, SKColors.Black, SKTextAlign.Center);
        title.Draw(canvas, "Confusion matrix (shade: share of the true class's images)", Math.Max(width, 360) / 2f,
            18);
        axis.Draw(canvas, "predicted class", x0 + n * cell / 2f, 36);
        canvas.Save();
        canvas.RotateDegrees(-90, 14, y0 + n * cell / 2f);
        axis.Draw(canvas, "true class", 14, y0 + n * cell / 2f + 4);
        canvas.Restore();
        using var text = Canvas.Text(Math.Min(11, cell / 3f), SKColors.Black, SKTextAlign.Center);
        using var label = Canvas.Text(11, SKColors.Black, SKTextAlign.Right);
        using var column = Canvas.Text(11);
        for (int t = 0; t < n; t++)
        {
            long total = 0;
            for (int p = 0; p < n; p++)
                total += confusion[t, p];
            for (int p = 0; p < n; p++)
            {
                double share = total == 0 ? 0 : (double)confusion[t, p] / total;
                byte shade = (byte)(255 - 200 * share);
                using var fill = Canvas.Fill(new SKColor(shade, shade, 255));
                var rect = new SKRect(x0 + p * cell, y0 + t * cell, x0 + (p + 1) * cell, y0 + (t + 1) * cell);
                canvas.DrawRect(rect, fill);
                if (n <= 20)
                    text.Draw(canvas, confusion[t, p].ToString(), rect.MidX, rect.MidY + 4);
            }
            if (n <= 20)
            {
                label.Draw(canvas, Short(classNames[t]), x0 - 4, y0 + t * cell + cell / 2f + 4);
                canvas.Save();
                canvas.RotateDegrees(-90, x0 + t * cell + cell / 2f + 4, y0 - 4);
                column.Draw(canvas, Short(classNames[t]), x0 + t * cell + cell / 2f + 4, y0 - 4);
                canvas.Restore();
            }
        }
        Canvas.SavePng(surface, path);
    }

    private static string Short(string name) => name.Length > 14 ? name[..13] + "." : name;
}
