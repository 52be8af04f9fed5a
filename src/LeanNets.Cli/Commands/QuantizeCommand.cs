using System.CommandLine;
using System.Globalization;
using LeanNets.Cli.Output;
using LeanNets.Quantization;

namespace LeanNets.Cli.Commands;

/// <summary>`leannets quantize MODEL|FILE.onnx --calibrate DIR --output OUT.onnx`: an int8 ONNX file calibrated
/// on the user's images, checked (integer kernels counted, error per layer) before it is written.</summary>
public static class QuantizeCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model")
        {
            Description = "registry name (with --weights), or a LeanNets "
            + "float ONNX file"
        };
        var weights = ModelSource.WeightsOption("trained weights (registry models)");
        var calibrate = new Option<string>("--calibrate")
        {
            Description = "calibration images: a dataset folder "
            + "(its training split is used) or any folder of pictures",
            Required = true
        };
        var images = new Option<int>("--images")
        {
            Description = "calibration images used (evenly spaced)",
            DefaultValueFactory = _ => new QuantizeOptions().Images
        };
        var method = new Option<CalibrationMethod>("--method")
        {
            Description = "minmax, percentile or entropy",
            DefaultValueFactory = _ => new QuantizeOptions().Method
        };
        var percentile = new Option<double>("--percentile")
        {
            Description = "the percentile method's percentile",
            DefaultValueFactory = _ => new QuantizeOptions().Percentile
        };
        var activations = new Option<ActivationType>("--activations")
        {
            Description = "uint8 or int8 activations "
            + "(weights are int8)",
            DefaultValueFactory = _ => new QuantizeOptions().Activations
        };
        var keep = new Option<string[]>("--keep-fp32")
        {
            Description = "layers (module paths) left in float32",
            AllowMultipleArgumentsPerToken = true
        };
        var weightBits = new Option<int>("--weight-bits")
        {
            Description = "7 (runs exactly on every x86 CPU) or 8 "
            + "(for CPUs with VNNI and ARM)",
            DefaultValueFactory = _ => new QuantizeOptions().WeightBits
        };
        var autoKeep = new Option<double?>("--auto-keep")
        {
            Description = "keep in float32 each convolution that "
            + "loses more than this many dB of SQNR on its own (e.g. 10)"
        };
        var skipBad = new Option<bool>("--skip-bad")
        {
            Description = "skip unreadable calibration images, counting "
            + "them"
        };
        var file = new Option<string>("--output") { Description = "int8 ONNX file to write", Required = true };
        var layers = new Option<bool>("--layers")
        {
            Description = "print every layer's error (default: the worst "
            + "ten)"
        };
        var command = new Command("quantize", "Quantize a model to int8 ONNX (static, calibrated) for ONNX Runtime")
        {
            model, weights, calibrate, images, method, percentile, activations, weightBits, keep, autoKeep,
            skipBad, file, layers,
        };
        command.SetAction(p =>
        {
            var options = new QuantizeOptions
            {
                Images = p.GetValue(images),
                Method = p.GetValue(method),
                Percentile = p.GetValue(percentile),
                Activations = p.GetValue(activations),
                KeepFloat = p.GetValue(keep) ?? [],
                AutoKeepLoss = p.GetValue(autoKeep),
                WeightBits = p.GetValue(weightBits),
                SkipBad = p.GetValue(skipBad),
            };
            var report = Int8Quantizer.Quantize(p.GetValue(model)!, p.GetValue(weights), p.GetValue(calibrate)!,
                options, p.GetValue(file)!, new LineProgress(output));
            Print(report, p.GetValue(layers), output);
            return LeanNetsCli.Success;
        });
        return command;
    }

    private static void Print(QuantizeReport r, bool all, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        string Mb(long bytes) => (bytes / 1e6).ToString("F1", c);
        output.WriteLine($"wrote {r.Output}: {r.Card.Model} int8 ({r.Card.Calibration}), {Mb(r.IntegerBytes)} MB "
            + $"(float {Mb(r.FloatBytes)} MB)");
        if (r.SkippedImages > 0)
            output.WriteLine($"skipped {r.SkippedImages} unreadable calibration images");
        output.WriteLine($"ONNX Runtime runs {r.IntegerConvolutions} of {r.Convolutions} convolutions on integers "
            + $"({string.Join(", ", r.RuntimeOps.Select(o => $"{o.Key} {o.Value}"))})");
        foreach (var (layer, reason) in r.KeptFloat)
            output.WriteLine($"  float32: {layer}: {reason}");
        output.WriteLine($"output SQNR {r.OutputSqnr.ToString("F1", c)} dB (float vs int8 on the first "
            + "calibration images; 6 dB is about one bit)");
        var shown = all ? r.Layers : r.Layers.OrderBy(l => l.Sqnr).Take(10).ToList();
        var table = new TextTable("layer", "op", "SQNR dB", "own loss dB");
        table.RightAligned.UnionWith([2, 3]);
        foreach (var l in shown)
            table.Add(l.Layer, l.Op, l.Sqnr.ToString("F1", c), l.Loss.ToString("F1", c));
        output.WriteLine(all ? "error per layer (SQNR accumulated to its output; own loss: its input's SQNR minus "
            + "its output's):" : "lowest SQNR (accumulated to the layer's output; --layers lists all):");
        output.Write(table.ToText());
    }
}
