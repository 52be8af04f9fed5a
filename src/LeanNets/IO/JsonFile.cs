using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeanNets.IO;

/// <summary>
/// The one JSON style LeanNets writes everywhere (eval.json, metrics.jsonl, bench results, checkpoint headers):
/// snake_case names, enums by their lower-case names (the command line's: "adamw", "imagenet", "mobilenetv2"),
/// indented files; and atomic JSON files.
/// </summary>
public static class JsonFile
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Converters = { new JsonStringEnumConverter(new LowerCase()) },
    };

    /// <summary>One record per line (metrics.jsonl).</summary>
    public static readonly JsonSerializerOptions LineOptions = new(Options) { WriteIndented = false };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static string SerializeLine<T>(T value) => JsonSerializer.Serialize(value, LineOptions);

    public static void Write<T>(string path, T value) =>
        AtomicFile.WriteAllText(path, Serialize(value) + Environment.NewLine);

    private sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
