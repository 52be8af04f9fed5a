using LeanNets.Analysis.Kernels;

namespace LeanNets.Reports.Viz;

/// <summary>The kernel atlas as pictures: type fractions by depth for the network, and per layer the kernels
/// framed by type, the type histogram and the distribution of values (the paper's Fig. 1).</summary>
public static class AtlasFigures
{
    /// <summary>One line per kernel type: its share of each spatial layer, layers in depth order.</summary>
    public static void SaveDepthPlot(string path, string title, IReadOnlyList<LayerAtlas> atlas)
    {
        var plot = Plots.Lines(
            title,
            "spatial layer (0 = nearest the input)",
            "share of the layer's kernels (%)",
            KernelTypeStyle.All.Select(type =>
                (KernelTypeStyle.Label(type),
                    (IReadOnlyList<(double, double)>)
                        atlas.Select(l => ((double)l.Depth, 100 * l.Fraction(type))).ToList())
            ),
            integerX: true
        );
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        foreach (var line in lines)
        {
            var type = KernelTypeStyle.All.First(t => KernelTypeStyle.Label(t) == line.LegendText);
            line.Color = Plots.ToColor(KernelTypeStyle.Color(type));
        }
        Plots.Save(path, plot, 1000, 420);
    }

    /// <summary>The layer's kernels framed by type colour.</summary>
    public static void SaveGrid(string path, LayerAtlas layer, int maxKernels = 64) =>
        KernelGrid.Save(
            path,
            layer.Values,
            layer.Size,
            $"{layer.Name}: {layer.Kind}, {layer.Classes.Count} kernels (frame = type)",
            layer.Classes.Select(c => KernelTypeStyle.Color(c.Type)).ToList(),
            KernelTypeStyle.All.Select(t => (KernelTypeStyle.ShortLabel(t), KernelTypeStyle.Color(t))).ToList(),
            maxKernels
        );

    /// <summary>The type histogram and the histogram of the layer's weights, side by side.</summary>
    public static void SaveHistograms(string path, LayerAtlas layer)
    {
        var types = Plots.Bars(
            "kernel types",
            "kernels",
            KernelTypeStyle
                .All.Select(t => (KernelTypeStyle.ShortLabel(t), (double)layer.Count(t), KernelTypeStyle.Color(t)))
                .ToList()
        );
        var values = Plots.Histogram("weight values", "value", layer.Values);
        Plots.SaveRow(path, [types, values], 520, 300);
    }
}
