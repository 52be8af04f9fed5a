using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeanNets.Reports;

/// <summary>The one JSON style LeanNets writes (indented, enums by name), and atomic JSON files.</summary>
public static class JsonFile
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + Environment.NewLine);
}
