using System.CommandLine;
using System.Net;
using System.Text;
using LeanNets.Analysis;
using LeanNets.Models;
using LeanNets.Reports;
using LeanNets.Training;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets kernels MODEL`: the 3x3 kernels of every spatial layer as PNG grids plus an HTML index.</summary>
public static class KernelsCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "registry name" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "draw trained weights from this checkpoint (default: the initial weights)" };
        var layers = new Option<int>("--layers") { Description = "how many spatial layers to draw (0 = all)", DefaultValueFactory = _ => 0 };
        var dir = new Option<string>("--output") { Description = "folder for the PNGs and kernels.html", DefaultValueFactory = _ => "kernels" };
        var command = new Command("kernels", "Draw a model's 3x3 kernels (learned and fixed) as images") { model, checkpoint, layers, dir };
        command.SetAction(parsed =>
        {
            string name = parsed.GetValue(model)!;
            var net = parsed.GetValue(checkpoint) is string path ? ModelLoader.FromCheckpoint(path, name).Model : ModelRegistry.Create(name);
            using var _ = net;
            var found = KernelInspector.SpatialKernels(net);
            if (parsed.GetValue(layers) > 0) found = found.Take(parsed.GetValue(layers)).ToList();
            string folder = parsed.GetValue(dir)!;
            var html = new StringBuilder($"<!doctype html><html><head><meta charset=\"utf-8\"><title>{name} kernels</title></head><body style=\"font-family:sans-serif\"><h1>{name}: spatial kernels</h1><p>Blue negative, white zero, red positive; each layer scaled to its largest magnitude. The first input channel of each filter is shown.</p>");
            foreach (var (layer, index) in found.Select((l, i) => (l, i)))
            {
                string file = $"{index:D2}-{layer.Name.Replace('.', '_')}.png";
                KernelGrid.Save(Path.Combine(folder, file), layer.Weight, $"{layer.Name}: {layer.Kind}, {layer.Weight.shape[0]} kernels");
                html.Append($"<h3>{WebUtility.HtmlEncode(layer.Name)} ({WebUtility.HtmlEncode(layer.Kind)})</h3><img src=\"{file}\">");
            }
            html.Append("</body></html>");
            AtomicFile.WriteAllText(Path.Combine(folder, "kernels.html"), html.ToString());
            output.WriteLine($"drew {found.Count} layers into {Path.GetFullPath(folder)} (kernels.html)");
            return LeanNetsCli.Success;
        });
        return command;
    }
}
