using System.Globalization;
using System.Text.RegularExpressions;
using LeanNets.Models;

namespace LeanNets.Interchange;

/// <summary>
/// Where torchvision names a LeanNets tensor differently. The architectures are the same (equal shapes, equal
/// outputs); only module paths differ: LeanNets nests every model as <c>stem</c>, <c>stages.S.B</c> and
/// <c>head</c>, torchvision keeps each family's historical names (<c>layer1</c>, <c>features.7.conv.1.0</c>,
/// <c>trunk_output.block2.block2-0.f.a.0</c>). One rule set per family; the registry names that have a
/// torchvision counterpart are listed here with that counterpart.
/// </summary>
public static partial class TorchvisionNames
{
    /// <summary>Registry model to torchvision builder (<c>torchvision.models.NAME()</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Builders = new Dictionary<string, string>
    {
        ["resnet18"] = "resnet18",
        ["resnet34"] = "resnet34",
        ["resnet50"] = "resnet50",
        ["vgg16"] = "vgg16",
        ["mobilenetv2_100"] = "mobilenet_v2",
        ["mobilenetv3_small_100"] = "mobilenet_v3_small",
        ["mobilenetv3_large_100"] = "mobilenet_v3_large",
        ["shufflenetv2_x0_5"] = "shufflenet_v2_x0_5",
        ["shufflenetv2_x1_0"] = "shufflenet_v2_x1_0",
        ["shufflenetv2_x1_5"] = "shufflenet_v2_x1_5",
        ["shufflenetv2_x2_0"] = "shufflenet_v2_x2_0",
        ["regnety_004"] = "regnet_y_400mf",
    };

    private static readonly string[] MobileNetV2Parts = ["expand", "depthwise", "project"];
    private static readonly string[] MobileNetV3Parts = ["expand", "depthwise", "se", "project"];

    /// <summary>LeanNets name to torchvision name for every tensor of <paramref name="model"/>, or null when the
    /// model has no torchvision counterpart.</summary>
    public static IReadOnlyDictionary<string, string>? For(string model, IReadOnlyCollection<string> names)
    {
        if (!Builders.ContainsKey(model))
            return null;
        Func<string, string> rename = ModelRegistry.Get(model).Family switch
        {
            ModelFamily.ResNet => ResNet,
            ModelFamily.Vgg => Vgg,
            ModelFamily.MobileNetV2 => new FlatBlocks(names, "conv", MobileNetV2Parts, true, 1).Rename,
            ModelFamily.MobileNetV3 => new FlatBlocks(names, "block", MobileNetV3Parts, false, 3).Rename,
            ModelFamily.ShuffleNetV2 => ShuffleNet,
            ModelFamily.RegNet => RegNet,
            var other => throw new InvalidOperationException($"no torchvision names for the {other} family"),
        };
        return names.ToDictionary(n => n, rename);
    }

    private static string ResNet(string name) =>
        Rules(
            name,
            ("^stem\\.", _ => ""),
            ("^stages\\.(\\d+)\\.", m => $"layer{Int(m, 1) + 1}."),
            ("\\.downsample\\.0\\.conv\\.", _ => ".downsample.0."),
            ("^head\\.", _ => "")
        );

    /// <summary>torchvision's VGG is one <c>features</c> list (conv, ReLU per conv, a pool after each stage) and a
    /// <c>classifier</c> list (Linear, ReLU, Dropout, ...).</summary>
    private static string Vgg(string name) =>
        Rules(
            name,
            ("^stem\\.conv\\.", _ => "features.0."),
            ("^stages\\.(\\d+)\\.conv(\\d+)\\.conv\\.", m => $"features.{2 * (Int(m, 2) - 1) + Int(m, 1)}."),
            ("^head\\.pre_logits\\.fc1\\.", _ => "classifier.0."),
            ("^head\\.pre_logits\\.fc2\\.", _ => "classifier.3."),
            ("^head\\.fc\\.", _ => "classifier.6.")
        );

    private static string ShuffleNet(string name) =>
        Rules(
            name,
            ("^stem\\.conv\\.conv\\.", _ => "conv1.0."),
            ("^stem\\.conv\\.bn\\.", _ => "conv1.1."),
            ("^stages\\.3\\.conv\\.", _ => "conv5.0."),
            ("^stages\\.3\\.bn\\.", _ => "conv5.1."),
            (
                "^stages\\.(\\d+)\\.(\\d+)\\.(branch\\d)\\.(\\w+)\\.(conv|bn)\\.",
                m =>
                {
                    string branch = m.Groups[3].Value;
                    int slot = ShuffleBranchSlot(branch, m.Groups[4].Value) + (m.Groups[5].Value == "bn" ? 1 : 0);
                    return $"stage{Int(m, 1) + 2}.{Int(m, 2)}.{branch}.{slot}.";
                }
    ),
            ("^head\\.", _ => "")
        );

    /// <summary>Positions in torchvision's branch Sequentials (ReLUs take the gaps): branch1 is depthwise, BN,
    /// pointwise, BN, ReLU; branch2 is pointwise, BN, ReLU, depthwise, BN, pointwise, BN, ReLU.</summary>
    private static int ShuffleBranchSlot(string branch, string part) =>
        (branch, part) switch
        {
            ("branch1", "depthwise") => 0,
            ("branch1", "pointwise") => 2,
            ("branch2", "reduce") => 0,
            ("branch2", "depthwise") => 3,
            ("branch2", "expand") => 5,
            _ => throw new InvalidOperationException($"unknown ShuffleNet part '{part}'"),
        };

    private static string RegNet(string name) =>
        Rules(
            name,
            ("^stem\\.conv\\.", _ => "stem.0."),
            ("^stem\\.bn\\.", _ => "stem.1."),
            (
                "^stages\\.(\\d+)\\.(\\d+)\\.",
                m => $"trunk_output.block{Int(m, 1) + 1}.block{Int(m, 1) + 1}-{Int(m, 2)}."
            ),
            ("\\.body\\.([abc])\\.conv\\.", m => $".f.{m.Groups[1].Value}.0."),
            ("\\.body\\.([abc])\\.bn\\.", m => $".f.{m.Groups[1].Value}.1."),
            ("\\.body\\.se\\.", _ => ".f.se."),
            ("\\.shortcut\\.conv\\.conv\\.", _ => ".proj.0."),
            ("\\.shortcut\\.bn\\.", _ => ".proj.1."),
            ("^head\\.", _ => "")
        );

    /// <summary>Applies every rule in turn (each at most once) and returns the result.</summary>
    private static string Rules(string name, params (string Pattern, Func<Match, string> Replace)[] rules)
    {
        foreach (var (pattern, replace) in rules)
            name = Regex.Replace(name, pattern, m => replace(m), RegexOptions.CultureInvariant);
        return name;
    }

    private static int Int(Match m, int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// MobileNet V2 and V3 number their blocks through one <c>features</c> list (stem first, final conv last) and
    /// number the parts inside a block by position, so both indices come from which blocks and parts exist.
    /// </summary>
    private sealed partial class FlatBlocks
    {
        private readonly string container;
        private readonly string[] partOrder;
        private readonly bool bareProjection;
        private readonly List<(int Stage, int Block)> blocks;
        private readonly Dictionary<(int, int), List<string>> parts = [];
        private readonly int lastStage;
        private readonly int classifierSlot;

        /// <param name="bareProjection">MobileNetV2 puts its projection conv and BN directly in the block's list
        /// (two slots) instead of a nested Conv-BN module.</param>
        /// <param name="classifierSlot">the final Linear's position in torchvision's <c>classifier</c> list.</param>
        public FlatBlocks(
            IEnumerable<string> names,
            string container,
            string[] partOrder,
            bool bareProjection,
            int classifierSlot
        )
        {
            this.classifierSlot = classifierSlot;
            this.container = container;
            this.partOrder = partOrder;
            this.bareProjection = bareProjection;
            var found = new SortedSet<(int, int)>();
            foreach (string n in names)
            {
                var m = BlockPart().Match(n);
                if (!m.Success)
                    continue;
                var key = (Int(m, 1), Int(m, 2));
                found.Add(key);
                if (!parts.TryGetValue(key, out var list))
                    parts[key] = list = [];
                if (!list.Contains(m.Groups[3].Value))
                    list.Add(m.Groups[3].Value);
            }
            blocks = [.. found];
            lastStage = blocks.Count == 0 ? 0 : blocks[^1].Stage + 1;
            foreach (var list in parts.Values)
                list.Sort((a, b) => Array.IndexOf(partOrder, a).CompareTo(Array.IndexOf(partOrder, b)));
        }

        public string Rename(string name)
        {
            if (name.StartsWith("stem.conv.", StringComparison.Ordinal))
                return "features.0.0." + name["stem.conv.".Length..];
            if (name.StartsWith("stem.bn.", StringComparison.Ordinal))
                return "features.0.1." + name["stem.bn.".Length..];
            var final = FinalConv().Match(name);
            if (final.Success && Int(final, 1) == lastStage)
                return $"features.{blocks.Count + 1}.{(final.Groups[2].Value == "conv" ? 0 : 1)}.{final.Groups[3]}";
            var m = BlockPart().Match(name);
            if (m.Success)
            {
                var key = (Int(m, 1), Int(m, 2));
                string part = m.Groups[3].Value;
                int slot = parts[key].IndexOf(part);
                string rest = m.Groups[4].Value;
                string prefix = $"features.{blocks.IndexOf(key) + 1}.{container}.";
                if (part == "se")
                    return $"{prefix}{slot}.{rest}";
                bool isBn = rest.StartsWith("bn.", StringComparison.Ordinal);
                string tensor = rest[(rest.IndexOf('.') + 1)..];
                return bareProjection && part == "project"
                    ? $"{prefix}{slot + (isBn ? 1 : 0)}.{tensor}"
                    : $"{prefix}{slot}.{(isBn ? 1 : 0)}.{tensor}";
            }
            if (name.StartsWith("head.pre_logits.fc.", StringComparison.Ordinal))
                return "classifier.0." + name["head.pre_logits.fc.".Length..];
            if (name.StartsWith("head.fc.", StringComparison.Ordinal))
                return $"classifier.{classifierSlot}." + name["head.fc.".Length..];
            return name;
        }

        [GeneratedRegex("^stages\\.(\\d+)\\.(\\d+)\\.block\\.(\\w+)\\.(.+)$")]
        private static partial Regex BlockPart();

        [GeneratedRegex("^stages\\.(\\d+)\\.(conv|bn)\\.(.+)$")]
        private static partial Regex FinalConv();
    }
}
