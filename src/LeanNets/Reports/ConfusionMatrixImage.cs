using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>A confusion matrix as a heat map (rows: true class, columns: predicted), row-normalised.</summary>
public static class ConfusionMatrixImage
{
    public static void Save(string path, long[,] confusion, IReadOnlyList<string> classNames)
    {
        int n = confusion.GetLength(0),
            cell = n <= 20 ? 40 : Math.Max(4, 800 / n),
            margin = n <= 20 ? 110 : 20;
        int size = margin + n * cell + 20;
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
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
                var rect = new SKRect(
                    margin + p * cell,
                    margin + t * cell,
                    margin + (p + 1) * cell,
                    margin + (t + 1) * cell
                );
                canvas.DrawRect(rect, fill);
                if (n <= 20)
                    text.Draw(canvas, confusion[t, p].ToString(), rect.MidX, rect.MidY + 4);
            }
            if (n <= 20)
            {
                label.Draw(canvas, Short(classNames[t]), margin - 4, margin + t * cell + cell / 2f + 4);
                canvas.Save();
                canvas.RotateDegrees(-90, margin + t * cell + cell / 2f + 4, margin - 4);
                column.Draw(canvas, Short(classNames[t]), margin + t * cell + cell / 2f + 4, margin - 4);
                canvas.Restore();
            }
        }
        Canvas.SavePng(surface, path);
    }

    private static string Short(string name) => name.Length > 14 ? name[..13] + "." : name;
}
