namespace LeanNets.Data;

/// <summary>The dataset layouts LeanNets reads.</summary>
public enum DataFormat
{
    Idx,
    Cifar,
    ImageFolder,
}
