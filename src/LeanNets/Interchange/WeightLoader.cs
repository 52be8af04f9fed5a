using static TorchSharp.torch;

namespace LeanNets.Interchange;

/// <summary>
/// Loads a state dict into a model by name, like PyTorch's <c>load_state_dict</c>: every tensor is checked first
/// (missing, unexpected, shape, type), and in strict mode nothing is copied unless everything fits, so a failed
/// load leaves the model as it was. Half, bfloat16 and double weights are converted to the model's float32.
/// </summary>
public static class WeightLoader
{
    public static LoadReport Load(
        nn.Module model,
        string modelName,
        StateDict file,
        string fileLabel,
        bool strict = true,
        WeightNaming naming = WeightNaming.Auto
    )
    {
        var own = model.state_dict();
        if (naming == WeightNaming.Auto)
            naming = WeightNames.Detect(modelName, own.Keys, file);
        var map = WeightNames.Map(modelName, own.Keys, naming);
        var missing = new List<string>();
        var mismatched = new List<TensorMismatch>();
        var copies = new List<(Tensor Target, Tensor Source)>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        int converted = 0;
        foreach (var (name, target) in own)
        {
            string external = map[name];
            if (!file.Tensors.TryGetValue(external, out var source))
            {
                missing.Add(name);
                continue;
            }
            used.Add(external);
            string label = external == name ? name : $"{name} ({external})";
            if (!source.shape.SequenceEqual(target.shape))
                mismatched.Add(new TensorMismatch(label, Shape(target), Shape(source)));
            else if (!Compatible(target.dtype, source.dtype))
                mismatched.Add(new TensorMismatch(label, target.dtype.ToString(), source.dtype.ToString()));
            else
            {
                converted += source.dtype != target.dtype && target.is_floating_point() ? 1 : 0;
                copies.Add((target, source));
            }
        }
        var unexpected = file.Tensors.Keys.Where(k => !used.Contains(k)).ToList();
        var report = new LoadReport(
            naming == WeightNaming.Torchvision ? "torchvision" : "LeanNets",
            copies.Count,
            missing,
            unexpected,
            mismatched,
            converted
        );
        if (strict && !report.Complete)
        {
            throw new LeanNetsException(
                $"{fileLabel} does not fit '{modelName}': {report.Describe()} (--non-strict loads what fits)"
            );
        }
        using (no_grad())
        {
            foreach (var (target, source) in copies)
                target.copy_(source);
        }
        return report;
    }

    /// <summary>A model's weights under the names of <paramref name="naming"/>, ready to write.</summary>
    public static StateDict Export(nn.Module model, string modelName, WeightNaming naming)
    {
        var own = model.state_dict();
        var map = WeightNames.Map(modelName, own.Keys, naming == WeightNaming.Auto ? WeightNaming.LeanNets : naming);
        return new StateDict(own.ToDictionary(p => map[p.Key], p => p.Value), ownsTensors: false);
    }

    /// <summary>Floating weights accept any floating type (converted); integer buffers (BN's batch counter) any
    /// integer type.</summary>
    private static bool Compatible(ScalarType target, ScalarType source) =>
        IsFloating(target) ? IsFloating(source) : !IsFloating(source) && source != ScalarType.Bool;

    private static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    private static string Shape(Tensor t) => t.shape.Length == 0 ? "scalar" : string.Join("x", t.shape);
}
