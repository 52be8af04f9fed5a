// Counts a registry model's parameters and MACs and lists the stages its features come from.
// Usage: CountAndInspect [MODEL]   (default vgnetg_1_0mp)
using System.Globalization;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Runtime;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

string name = args.Length > 0 ? args[0] : "vgnetg_1_0mp";
using var model = ModelRegistry.Create(name);
var input = ModelRegistry.Get(name).DefaultInput;
// Counted at the input the configuration is designed for: MACs grow with the input's area.
var profile = ModelProfiler.Profile(model, input.WithBatch(1), name);
Console.WriteLine($"{name}: input {input}, {model.NumClasses} classes");
Console.WriteLine($"params {profile.Params:N0}");
Console.WriteLine($"MACs {profile.Macs / 1e6:F2}M");
Console.WriteLine($"{"stage",-10} {"channels",8} {"reduction",9}");
foreach (var stage in model.FeatureInfo.Prepend(model.StemInfo))
    Console.WriteLine($"{stage.Module,-10} {stage.Channels,8} {stage.Reduction,9}");
