namespace LeanNets.Layers;

/// <summary>
/// A module whose arithmetic the counter cannot see through hooks on its children (it calls functional
/// ops on its own weights) reports its multiply-accumulates itself; the counter treats it as a leaf.
/// </summary>
public interface IMacCountable
{
    /// <summary>Multiply-accumulates for one forward pass that produced <paramref name="outputShape"/>.</summary>
    long CountMacs(long[] inputShape, long[] outputShape);
}
