namespace LeanNets.Interchange;

/// <summary>Whose tensor names a weight file uses.</summary>
public enum WeightNaming
{
    /// <summary>Recognise them: LeanNets' own when any name matches, else torchvision's when the model has a
    /// torchvision counterpart.</summary>
    Auto,
    LeanNets,
    Torchvision,
}

public static class WeightNames
{
    /// <summary>Model name to file name for every tensor of a model; identity for LeanNets naming.</summary>
    public static IReadOnlyDictionary<string, string> Map(
        string model,
        IReadOnlyCollection<string> names,
        WeightNaming naming
    ) =>
        naming switch
        {
            WeightNaming.Torchvision => TorchvisionNames.For(model, names)
                ?? throw new LeanNetsUsageException(
                    $"'{model}' has no torchvision counterpart (those that do: "
                    + $"{string.Join(", ", TorchvisionNames.Builders.Keys)})"
                ),
            _ => names.ToDictionary(n => n, n => n),
        };

    /// <summary>The naming a file uses for a model: LeanNets' when any tensor name matches, else torchvision's
    /// when that matches, else LeanNets' (and loading will report every tensor missing).</summary>
    public static WeightNaming Detect(string model, IReadOnlyCollection<string> names, StateDict file)
    {
        if (names.Any(file.Tensors.ContainsKey))
            return WeightNaming.LeanNets;
        var torchvision = TorchvisionNames.For(model, names);
        return torchvision != null && torchvision.Values.Any(file.Tensors.ContainsKey)
            ? WeightNaming.Torchvision
            : WeightNaming.LeanNets;
    }
}
