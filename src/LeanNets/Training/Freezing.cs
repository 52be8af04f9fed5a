using System.Globalization;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>
/// Fine-tuning's two controls (timm's and torchvision's usual recipe): parts of the network frozen (no gradient,
/// norms kept in evaluation mode so their statistics stay the pretrained ones), and the rest of the backbone
/// learning at a fraction of the head's rate. Parts are named as <c>--freeze</c> takes them: <c>stem</c>,
/// <c>stages.1</c>, a range <c>stages.0..2</c>, or <c>backbone</c> (stem and every stage: a linear probe).
/// </summary>
public sealed partial class Freezing
{
    private readonly List<string> prefixes;
    private readonly List<nn.Module> frozenModules;

    private Freezing(List<string> prefixes, List<nn.Module> frozenModules, long frozen, long total)
    {
        this.prefixes = prefixes;
        this.frozenModules = frozenModules;
        Frozen = frozen;
        Total = total;
    }

    public long Frozen { get; }
    public long Total { get; }

    /// <summary>True for a backbone parameter, what --backbone-lr-scale slows: the model contract's stem and
    /// stages, which a classifier and a detector on it name alike.</summary>
    public static bool IsBackbone(string parameter) => Models.Detection.YoloV3.IsBackbone(parameter);

    /// <summary>Freezes the parts <paramref name="spec"/> names (null: none); a part the model does not have is
    /// a usage error naming it.</summary>
    public static Freezing Apply(nn.Module model, string? spec)
    {
        var named = model.named_parameters().ToList();
        var prefixes = Parse(spec, named.Select(p => p.name).ToList());
        long frozen = 0;
        foreach (var (name, parameter) in named.Where(p => prefixes.Any(x => Under(p.name, x))))
        {
            parameter.requires_grad = false;
            frozen += parameter.numel();
        }
        var modules = model.named_modules().Where(m => prefixes.Any(x => Under(m.name, x) || m.name == x))
            .Select(m => m.module).ToList();
        return new Freezing(prefixes, modules, frozen, named.Sum(p => p.parameter.numel()));
    }

    /// <summary>After <c>model.train()</c>: frozen parts back in evaluation mode.</summary>
    public void KeepFrozenInEval()
    {
        foreach (var module in frozenModules)
            module.eval();
    }

    /// <summary>The start line's note; null when nothing is frozen or slowed.</summary>
    public string? Describe(double backboneLrScale)
    {
        var parts = new List<string>();
        if (prefixes.Count > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"frozen: {string.Join(", ", prefixes)} ({Total - Frozen:N0} of {Total:N0} parameters train)"));
        if (backboneLrScale != 1)
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"backbone learning rate x{backboneLrScale:0.####} of the head's"));
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static bool Under(string name, string prefix) => name.StartsWith(prefix + ".", StringComparison.Ordinal);

    private static List<string> Parse(string? spec, List<string> names)
    {
        var prefixes = new List<string>();
        if (string.IsNullOrWhiteSpace(spec))
            return prefixes;
        int stages = names.Where(n => n.StartsWith("stages.", StringComparison.Ordinal))
            .Select(n => int.Parse(n.Split('.')[1], CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "backbone")
                prefixes.AddRange(["stem", .. Enumerable.Range(0, stages).Select(s => $"stages.{s}")]);
            else if (StageRange().Match(part) is { Success: true } range)
            {
                int first = int.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture),
                    last = int.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture);
                if (first > last)
                    throw new LeanNetsUsageException($"--freeze {part}: a range A..B needs A <= B");
                if (last >= stages)
                    throw new LeanNetsUsageException(
                        $"--freeze {part}: the model has stages 0..{stages - 1}");
                prefixes.AddRange(Enumerable.Range(first, last - first + 1).Select(s => $"stages.{s}"));
            }
            else if (names.Any(n => Under(n, part)))
                prefixes.Add(part);
            else
                throw new LeanNetsUsageException(
                    $"--freeze {part}: no such part of the model (use stem, stages.N, stages.A..B or backbone)");
        }
        return [.. prefixes.Distinct()];
    }

    [GeneratedRegex(@"^stages\.(\d+)\.\.(\d+)$")]
    private static partial Regex StageRange();
}
