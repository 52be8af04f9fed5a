using LeanNets.IO;
using ScottPlot;
using SkiaSharp;

namespace LeanNets.Reports;

/// <summary>Charts drawn with ScottPlot: the shared look (white figure, legend, integer epoch ticks) and atomic
/// PNG writing, one chart per file or several side by side.</summary>
public static class Plots
{
    /// <summary>One line per series; series values that are not finite are left out.</summary>
    public static Plot Lines(
        string title,
        string xLabel,
        string yLabel,
        IEnumerable<(string Name, IReadOnlyList<(double X, double Y)> Points)> series,
        bool integerX = false
    )
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        foreach (var (name, points) in series)
        {
            var finite = points.Where(p => double.IsFinite(p.Y)).ToArray();
            if (finite.Length == 0)
                continue;
            var line = plot.Add.Scatter(finite.Select(p => p.X).ToArray(), finite.Select(p => p.Y).ToArray());
            line.LegendText = name;
            line.LineWidth = 2;
        }
        if (integerX)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        // Outside the data area, to the right: inside, some corner of some chart always hid a series' end (the
        // last test point, a detector's final box loss, the atlas's last layers).
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Bars with a category label under each.</summary>
    public static Plot Bars(
        string title,
        string yLabel,
        IReadOnlyList<(string Label, double Value, SKColor Color)> bars
    )
    {
        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        for (int i = 0; i < bars.Count; i++)
        {
            var bar = plot.Add.Bar(i, bars[i].Value);
            bar.Color = ToColor(bars[i].Color);
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, bars.Count).Select(i => (double)i).ToArray(),
            bars.Select(b => b.Label).ToArray());
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>A histogram of values with a fixed number of equal bins over their range.</summary>
    public static Plot Histogram(string title, string xLabel, IReadOnlyList<float> values, int bins = 41)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("kernels' values");
        double low = values.Count == 0 ? -1 : values.Min(),
            high = values.Count == 0 ? 1 : values.Max();
        if (high <= low)
            (low, high) = (low - 0.5, high + 0.5);
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, low, high);
        histogram.AddRange(values.Select(v => (double)v));
        plot.Add.Histogram(histogram);
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    public static void Save(string path, Plot plot, int width = 640, int height = 400) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>Several charts of one size in a row, as one PNG.</summary>
    public static void SaveRow(string path, IReadOnlyList<Plot> plots, int width = 640, int height = 400)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width * plots.Count, height));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            using var image = SKImage.FromEncodedData(plots[i].GetImageBytes(width, height, ImageFormat.Png));
            surface.Canvas.DrawImage(image, i * width, 0);
        }
        Canvas.SavePng(surface, path);
    }

    public static Color ToColor(SKColor color) => new(color.Red, color.Green, color.Blue, color.Alpha);
}
