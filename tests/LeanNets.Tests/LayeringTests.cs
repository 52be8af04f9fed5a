using System.Reflection;
using System.Reflection.Emit;
using LeanNets.Models;

namespace LeanNets.Tests;

/// <summary>
/// The library's folders form layers, and every type reference points down (or stays inside its layer): read
/// from the compiled assemblies (member signatures, base types, attributes and the IL of every method body), so a
/// reference in a method body or through a fully qualified name counts as much as a using directive. The two
/// assemblies share the layers: the runtime package holds the inference types of several layers, and the full
/// library builds on it; the runtime package itself references no TorchSharp.
/// </summary>
public class LayeringTests
{
    /// <summary>Bottom to top; a namespace may use its own layer and those before it. A namespace not listed
    /// here fails the test (each new folder takes a place).</summary>
    internal static readonly string[][] Layers =
    [
        ["LeanNets", "LeanNets.IO", "LeanNets.Runtime"],
        ["LeanNets.Onnx"],
        ["LeanNets.Layers"],
        // One registry over both tasks: the families and the detectors are one layer.
        [
            "LeanNets.Models",
            "LeanNets.Models.VGNetPaper",
            "LeanNets.Models.DualConvPaper",
            "LeanNets.Models.Peers",
            "LeanNets.Models.Detection",
        ],
        ["LeanNets.Data", "LeanNets.Data.Detection"],
        ["LeanNets.Measures"],
        ["LeanNets.Interchange"],
        ["LeanNets.Training", "LeanNets.Training.Tasks"],
        ["LeanNets.Loading"],
        ["LeanNets.Export"],
        ["LeanNets.Inference", "LeanNets.Inference.Detection"],
        ["LeanNets.Quantization"],
        [
            "LeanNets.Analysis",
            "LeanNets.Analysis.Attribution",
            "LeanNets.Analysis.Features",
            "LeanNets.Analysis.Kernels",
        ],
        ["LeanNets.Reports", "LeanNets.Reports.Viz"],
    ];

    /// <summary>Each listed namespace's layer index.</summary>
    private static Dictionary<string, int> Levels() =>
        Layers.SelectMany((names, i) => names.Select(n => (n, i))).ToDictionary(p => p.n, p => p.i);

    [Fact]
    public void EveryReferencePointsDown()
    {
        var level = Levels();
        Assembly[] assemblies = [typeof(ModelRegistry).Assembly, typeof(ModelCard).Assembly];
        var unplaced = new SortedSet<string>();
        var upward = new SortedSet<string>();
        // The compiler's own types (<Module>, <PrivateImplementationDetails>, generated regexes) belong to no layer.
        foreach (var type in assemblies.SelectMany(a => a.GetTypes())
            .Where(t => NamespaceOf(t) is { Length: > 0 } ns && ns != Generated))
        {
            string from = NamespaceOf(type);
            if (!level.TryGetValue(from, out int fromLevel))
            {
                unplaced.Add(from);
                continue;
            }
            foreach (var used in References(type).Where(t => assemblies.Contains(t.Assembly)))
            {
                string to = NamespaceOf(used);
                if (level.TryGetValue(to, out int toLevel) && toLevel > fromLevel)
                    upward.Add($"{from} -> {to} ({Name(type)} uses {Name(used)})");
            }
        }
        Assert.True(unplaced.Count == 0, "namespaces in no layer: " + string.Join(", ", unplaced));
        Assert.True(upward.Count == 0, "references pointing up:\n" + string.Join("\n", upward));
    }

    private const string Generated = "System.Text.RegularExpressions.Generated";

    /// <summary>The runtime package runs ONNX files with no TorchSharp: its assembly references none (so an app on
    /// it never ships libtorch).</summary>
    [Fact]
    public void TheRuntimeAssemblyReferencesNoTorchSharp()
    {
        var runtime = typeof(ModelCard).Assembly;
        Assert.Equal("LeanNets.Runtime", runtime.GetName().Name);
        Assert.DoesNotContain(runtime.GetReferencedAssemblies(), a => a.Name!.StartsWith("TorchSharp",
            StringComparison.Ordinal));
    }

    /// <summary>Using directives point down too (the compiled assembly does not show an unused one, and a stale one
    /// hides the layers from a reader).</summary>
    [Fact]
    public void EveryUsingPointsDown()
    {
        var level = Levels();
        var upward = new List<string>();
        string src = RepositoryRoot.File("src");
        foreach (string file in new[] { "LeanNets", "LeanNets.Runtime" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(src, p), "*.cs", SearchOption.AllDirectories)))
        {
            if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal))
                continue;
            var lines = File.ReadAllLines(file);
            string? own = lines.FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal))?[10..^1];
            if (own == null || !level.TryGetValue(own, out int from))
                continue;
            foreach (var line in lines.Where(l => l.StartsWith("using LeanNets", StringComparison.Ordinal)))
            {
                string used = line["using ".Length..].TrimEnd(';');
                if (level.TryGetValue(used, out int to) && to > from)
                    upward.Add($"{Path.GetRelativePath(src, file)}: {line}");
            }
        }
        Assert.True(upward.Count == 0, "using directives pointing up:\n" + string.Join("\n", upward));
    }

    /// <summary>The namespace of the outermost declaring type (compiler-generated closures included).</summary>
    private static string NamespaceOf(Type type)
    {
        while (type.DeclaringType != null)
            type = type.DeclaringType;
        return type.Namespace ?? "";
    }

    private static string Name(Type type) => type.FullName ?? type.Name;

    private const BindingFlags Everything =
        BindingFlags.Public
        | BindingFlags.NonPublic
        | BindingFlags.Instance
        | BindingFlags.Static
        | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t == null || !found.Add(t))
                return;
            if (t.HasElementType)
                Add(t.GetElementType());
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
                foreach (var a in t.GetGenericArguments())
                    Add(a);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
            Add(i);
        foreach (var a in type.GetCustomAttributesData())
            Add(a.AttributeType);
        foreach (var f in type.GetFields(Everything))
            Add(f.FieldType);
        foreach (var p in type.GetProperties(Everything))
            Add(p.PropertyType);
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo m)
                Add(m.ReturnType);
            foreach (var p in method.GetParameters())
                Add(p.ParameterType);
            foreach (var t in BodyReferences(method))
                Add(t);
        }
        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types a method body names: every type, field and method token in its IL.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il == null)
            yield break;
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int pc = 0;
        while (pc < il.Length)
        {
            short value = il[pc] == 0xFE ? (short)(0xFE00 | il[pc + 1]) : il[pc];
            pc += il[pc] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, pc),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineType or OperandType.InlineField or OperandType.InlineMethod
                or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = module.ResolveMember(BitConverter.ToInt32(il, pc), typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    // A token of a generic context this method does not provide: its type is named elsewhere.
                }
                if (member is Type t)
                    yield return t;
                else if (member?.DeclaringType is { } declaring)
                    yield return declaring;
                if (member is FieldInfo field)
                    yield return field.FieldType;
                if (member is MethodInfo called)
                    yield return called.ReturnType;
            }
            pc += size;
        }
    }
}
