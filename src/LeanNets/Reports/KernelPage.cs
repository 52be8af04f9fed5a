using System.Net;
using System.Text;
using LeanNets.Analysis;
using LeanNets.IO;
using static TorchSharp.torch;

namespace LeanNets.Reports;

/// <summary>A model's spatial kernels as one PNG grid per layer and an HTML page listing them (kernels.html).</summary>
public static class KernelPage
{
    public const string FileName = "kernels.html";

    /// <summary>Draws up to <paramref name="maxLayers"/> layers (0 = all); returns how many were drawn.</summary>
    /// <summary>Writes the page and its PNGs into <paramref name="target"/> as a whole (a failure, a full disk
    /// say, leaves no partial folder).</summary>
    public static int Write(nn.Module model, string title, string target, int maxLayers = 0)
    {
        int count = 0;
        AtomicDirectory.Write(target, FileName, folder => count = Fill(model, title, folder, maxLayers));
        return count;
    }

    private static int Fill(nn.Module model, string title, string folder, int maxLayers)
    {
        var found = KernelInspector.SpatialKernels(model);
        if (maxLayers > 0)
            found = found.Take(maxLayers).ToList();
        var html = new StringBuilder()
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title))
            .Append(" kernels</title></head><body style=\"font-family:sans-serif\">")
            .Append("<h1>")
            .Append(WebUtility.HtmlEncode(title))
            .Append(": spatial kernels</h1>")
            .Append("<p>Blue negative, white zero, red positive; each layer scaled to its largest magnitude. ")
            .Append("The first input channel of each filter is shown.</p>");
        foreach (var (layer, index) in found.Select((l, i) => (l, i)))
        {
            string file = $"{index:D2}-{layer.Name.Replace('.', '_')}.png";
            KernelGrid.Save(
                Path.Combine(folder, file),
                layer.Weight,
                $"{layer.Name}: {layer.Kind}, {layer.Weight.shape[0]} kernels"
            );
            html.Append("<h3>")
                .Append(WebUtility.HtmlEncode(layer.Name))
                .Append(" (")
                .Append(WebUtility.HtmlEncode(layer.Kind))
                .Append(")</h3><img src=\"")
                .Append(file)
                .Append("\" alt=\"")
                .Append(WebUtility.HtmlEncode(layer.Name))
                .Append("\">");
        }
        html.Append("</body></html>");
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), html.ToString());
        return found.Count;
    }
}
