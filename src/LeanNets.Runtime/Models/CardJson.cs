using System.Text.Json.Serialization;

namespace LeanNets.Models;

/// <summary>The JSON a model card's values are written in, generated at compile time: no reflection, so an app
/// published trimmed (the small deployment of the runtime package) reads and writes cards like any other.
/// </summary>
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(float[][]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<float[]>))]
[JsonSerializable(typeof(IReadOnlyList<int>))]
internal sealed partial class CardJson : JsonSerializerContext;
