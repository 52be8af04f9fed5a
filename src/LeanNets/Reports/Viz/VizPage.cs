using System.Globalization;
using System.Net;
using System.Text;
using LeanNets.Analysis.Kernels;

namespace LeanNets.Reports.Viz;

/// <summary>The report's index.html: self-contained (inline style, no script, relative links only), with a
/// contents list, a side-by-side view of several models, then per model the numbers, the kernel atlas and
/// its layer list, design advice, feature maps and one attribution section per image and class.</summary>
internal static class VizPage
{
    private const string Style =
        "body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:.5em 0}"
        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}th{background:#f4f4f4}"
        + "td.l,th.l{text-align:left}figure{display:inline-block;margin:4px;text-align:center}"
        + "figcaption{font-size:12px;color:#444}nav li{margin:2px 0}img.px{image-rendering:pixelated}";

    public static string Html(IReadOnlyList<SubjectFindings> subjects, string heatLegend)
    {
        var h = new StringBuilder();
        string title = "LeanNets: inside " + string.Join(" vs ", subjects.Select(s => s.Label));
        h.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(title))
            .Append("</title><style>")
            .Append(Style)
            .Append("</style></head><body><h1>")
            .Append(E(title))
            .Append("</h1>");
        Contents(h, subjects);
        if (subjects.Count > 1)
            SideBySide(h, subjects, heatLegend);
        for (int i = 0; i < subjects.Count; i++)
            Subject(h, subjects[i], $"s{i}", heatLegend);
        h.Append("<h2 id=\"method\">Method</h2><p>Kernels are classified by normalised correlation with templates ")
            .Append("(Gaussian, derivative-of-Gaussian edge at 12 orientations, Laplacian of Gaussian; near-zero ")
            .Append("below 5% of the layer's median norm; identity when the centre holds 60% of the energy; ")
            .Append("a fit below 0.8 is \"other\"). Feature-map similarity is the share of a stage's channels ")
            .Append("whose best cosine similarity to a channel of the previous stage (or another channel of the ")
            .Append("same stage) exceeds 0.9. Grad-CAM weights the chosen stage's channels by the mean gradient, ")
            .Append("Grad-CAM++ by positive gradients with per-position weights; guided backprop passes only ")
            .Append("positive gradients through ReLU-family activations where their input was positive; guided ")
            .Append("Grad-CAM is their product.</p></body></html>");
        return h.ToString();
    }

    private static void Contents(StringBuilder h, IReadOnlyList<SubjectFindings> subjects)
    {
        h.Append("<nav><h2>Contents</h2><ul>");
        if (subjects.Count > 1)
            h.Append("<li><a href=\"#compare\">Side by side</a></li>");
        for (int i = 0; i < subjects.Count; i++)
        {
            var s = subjects[i];
            h.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#s{i}\">{E(s.Label)}</a>: ")
                .Append(CultureInfo.InvariantCulture, $"<a href=\"#s{i}-atlas\">kernel atlas</a>, ")
                .Append(CultureInfo.InvariantCulture, $"<a href=\"#s{i}-advice\">design advice</a>, ")
                .Append(CultureInfo.InvariantCulture, $"<a href=\"#s{i}-maps\">feature maps</a>, ")
                .Append(CultureInfo.InvariantCulture, $"<a href=\"#s{i}-attribution\">attribution</a> (")
                .Append(
                    string.Join(
                        ", ",
                        s.Images.SelectMany((img, j) =>
                            img.Attributions.Select(a => $"<a href=\"#s{i}-img{j}-class{a.Class}\">"
                                + $"{E(Path.GetFileName(img.Image))}: {E(a.Name)}</a>")
                        )
                    )
                )
                .Append(")<details><summary>")
                .Append(CultureInfo.InvariantCulture, $"{s.Layers.Count} spatial layers</summary>")
                .Append(string.Join(", ", s.Layers.Select(l => $"<a href=\"#s{i}-layer{l.Depth}\">{E(l.Name)}</a>")))
                .Append("</details></li>");
        }
        h.Append("<li><a href=\"#method\">Method</a></li></ul></nav>");
    }

    private static void SideBySide(StringBuilder h, IReadOnlyList<SubjectFindings> subjects, string heatLegend)
    {
        h.Append("<h2 id=\"compare\">Side by side</h2><p>Grad-CAM and guided Grad-CAM of each model's first ")
            .Append("explained class.</p>")
            .Append(Img(heatLegend, "heat-map legend"))
            .Append("<table><tr><th class=\"l\">image</th>");
        foreach (var s in subjects)
            h.Append("<th>").Append(E(s.Label)).Append("</th>");
        h.Append("</tr>");
        for (int j = 0; j < subjects[0].Images.Count; j++)
        {
            h.Append("<tr><td class=\"l\">").Append(E(Path.GetFileName(subjects[0].Images[j].Image))).Append("</td>");
            foreach (var s in subjects)
            {
                var a = s.Images[j].Attributions[0];
                h.Append("<td>")
                    .Append(Figure(a.GradCamFile, $"Grad-CAM: {a.Name}"))
                    .Append(Figure(a.GuidedGradCamFile, "guided Grad-CAM"))
                    .Append("</td>");
            }
            h.Append("</tr>");
        }
        h.Append("</table>");
    }

    private static void Subject(StringBuilder h, SubjectFindings s, string id, string heatLegend)
    {
        h.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{id}\">{E(s.Label)}</h2>")
            .Append("<table><tr><th class=\"l\">model</th><th>input</th><th>params</th><th>MACs</th>")
            .Append("<th>spatial layers</th>");
        foreach (var type in KernelTypeStyle.All)
            h.Append("<th>").Append(E(KernelTypeStyle.Label(type))).Append(" kernels</th>");
        h.Append(CultureInfo.InvariantCulture, $"</tr><tr><td class=\"l\">{E(s.Model)}</td><td>{s.Input}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td>{s.Params:N0}</td><td>{s.Macs:N0}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td>{s.Layers.Count}</td>");
        int total = s.Layers.Sum(l => l.Kernels);
        foreach (var type in KernelTypeStyle.All)
        {
            string label = KernelTypeStyle.Label(type);
            double share = total == 0 ? 0 : s.Layers.Sum(l => l.Shares[label] * l.Kernels) / total;
            h.Append("<td>").Append(Percent(share)).Append("</td>");
        }
        h.Append("</tr></table>");
        Atlas(h, s, id);
        Advice(h, s, id);
        Maps(h, s, id);
        Attribution(h, s, id, heatLegend);
    }

    private static void Atlas(StringBuilder h, SubjectFindings s, string id)
    {
        h.Append(CultureInfo.InvariantCulture, $"<h3 id=\"{id}-atlas\">Kernel atlas</h3>");
        if (s.DepthPlot == null)
        {
            h.Append("<p>No spatial (3x3 or larger) convolution.</p>");
            return;
        }
        h.Append(Img(s.DepthPlot, "kernel types by depth"))
            .Append("<table><tr><th>depth</th><th class=\"l\">layer</th><th class=\"l\">kind</th><th>kernels</th>");
        foreach (var type in KernelTypeStyle.All)
            h.Append("<th>").Append(E(KernelTypeStyle.Label(type))).Append("</th>");
        h.Append("<th>mean sigma</th></tr>");
        foreach (var l in s.Layers)
        {
            h.Append(CultureInfo.InvariantCulture, $"<tr><td>{l.Depth}</td>")
                .Append("<td class=\"l\">")
                .Append(CultureInfo.InvariantCulture, $"<a href=\"#{id}-layer{l.Depth}\">{E(l.Name)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"l\">{E(l.Kind)}</td><td>{l.Kernels}</td>");
            foreach (var type in KernelTypeStyle.All)
                h.Append("<td>").Append(Percent(l.Shares[KernelTypeStyle.Label(type)])).Append("</td>");
            h.Append("<td>")
                .Append(l.MeanSigma?.ToString("F2", CultureInfo.InvariantCulture) ?? "")
                .Append("</td></tr>");
        }
        h.Append("</table>");
        foreach (var l in s.Layers)
            h.Append(CultureInfo.InvariantCulture, $"<h4 id=\"{id}-layer{l.Depth}\">{l.Depth}: {E(l.Name)}</h4>")
                .Append(Img(l.GridFile, $"{l.Name} kernels framed by type"))
                .Append(Img(l.HistogramFile, $"{l.Name} type and value histograms"));
    }

    private static void Advice(StringBuilder h, SubjectFindings s, string id)
    {
        h.Append(CultureInfo.InvariantCulture, $"<h3 id=\"{id}-advice\">Design advice (VGNet's guidelines)</h3>")
            .Append("<p>Layers where most learned kernels share a type, and what the matching change would save ")
            .Append("(counted by the profiler at this input). Advice only: the model is unchanged.</p>");
        if (s.Advice.Count == 0)
        {
            h.Append("<p>No layer qualifies (no type holds half of a learned layer's kernels).</p>");
            return;
        }
        h.Append("<table><tr><th class=\"l\">layer</th><th class=\"l\">advice</th><th>share</th>")
            .Append("<th>params saved</th><th>MACs saved</th></tr>");
        foreach (var a in s.Advice)
            h.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l\">{E(a.Layer)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"l\">{Describe(a.Kind)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Percent(a.Share)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{a.ParamsSaved:N0}</td><td>{a.MacsSaved:N0}</td></tr>");
        h.Append("<tr><th class=\"l\" colspan=\"3\">total</th>")
            .Append(CultureInfo.InvariantCulture, $"<th>{s.Advice.Sum(a => a.ParamsSaved):N0}</th>")
            .Append(CultureInfo.InvariantCulture, $"<th>{s.Advice.Sum(a => a.MacsSaved):N0}</th></tr></table>");
    }

    private static void Maps(StringBuilder h, SubjectFindings s, string id)
    {
        h.Append(CultureInfo.InvariantCulture, $"<h3 id=\"{id}-maps\">Feature maps</h3>");
        foreach (var img in s.Images)
        {
            h.Append("<h4>").Append(E(Path.GetFileName(img.Image))).Append("</h4>")
                .Append(Figure(img.InputFile, "input as the model sees it", pixelated: true))
                .Append("<table><tr><th class=\"l\">prediction</th><th>probability</th></tr>");
            foreach (var p in img.Top5)
                h.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l\">{E(p.Name)}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{Percent(p.Probability)}</td></tr>");
            h.Append("</table><table><tr><th class=\"l\">stage</th><th>similar to previous stage</th>")
                .Append("<th>similar within stage</th></tr>");
            foreach (var st in img.Stages)
                h.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l\">{E(st.Stage)}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{Percent(st.SimilarToPrevious)}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{Percent(st.SimilarWithin)}</td></tr>");
            h.Append("</table>");
            foreach (var st in img.Stages)
                h.Append(Img(st.File, $"{st.Stage} feature maps"));
        }
    }

    private static void Attribution(StringBuilder h, SubjectFindings s, string id, string heatLegend)
    {
        h.Append(CultureInfo.InvariantCulture, $"<h3 id=\"{id}-attribution\">Attribution</h3>")
            .Append(Img(heatLegend, "heat-map legend"));
        for (int j = 0; j < s.Images.Count; j++)
        {
            var img = s.Images[j];
            foreach (var a in img.Attributions)
                h.Append(CultureInfo.InvariantCulture, $"<h4 id=\"{id}-img{j}-class{a.Class}\">")
                    .Append(E(Path.GetFileName(img.Image)))
                    .Append(CultureInfo.InvariantCulture, $": class {a.Class} ({E(a.Name)}), score {a.Score:F3}</h4>")
                    .Append(Figure(img.InputFile, "input", pixelated: true))
                    .Append(Figure(a.GradCamFile, "Grad-CAM"))
                    .Append(Figure(a.GradCamPlusPlusFile, "Grad-CAM++"))
                    .Append(Figure(a.GuidedBackpropFile, "guided backprop"))
                    .Append(Figure(a.GuidedGradCamFile, "guided Grad-CAM"))
                    .Append(a.Note is { } note ? $"<p class=\"note\">{E(note)}</p>" : "");
        }
    }

    private static string Describe(AdviceKind kind) =>
        kind switch
        {
            AdviceKind.FixAsBlur => "fix as Gaussian blurs (VGNetG's fixed kernels)",
            AdviceKind.IdentityMapping => "pass through as identity (half-identity block)",
            _ => "prune the near-zero kernels",
        };

    /// <summary>Small inputs are drawn at least 160 pixels wide, without smoothing.</summary>
    private static string Figure(string file, string caption, bool pixelated = true) =>
        $"<figure><img class=\"{(pixelated ? "px" : "")}\" src=\"{E(file)}\" alt=\"{E(caption)}\" "
        + $"style=\"min-width:160px\"><figcaption>{E(caption)}</figcaption></figure>";

    private static string Img(string file, string alt) => $"<div><img src=\"{E(file)}\" alt=\"{E(alt)}\"></div>";

    private static string Percent(double share) => (100 * share).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
