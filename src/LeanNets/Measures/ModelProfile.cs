namespace LeanNets.Measures;

/// <summary>One leaf module as seen in one forward pass.</summary>
public sealed record LayerProfile(string Name, string Type, long[] OutputShape, long Params, long Macs);

/// <summary>
/// Counts for a model at one input size. <see cref="Params"/> are learnable parameters (requires_grad);
/// <see cref="FixedValues"/> are frozen parameters plus persistent buffers other than BN statistics
/// (fixed kernels). <see cref="Macs"/> are multiply-accumulates of convolution and linear layers, for one image.
/// </summary>
public sealed record ModelProfile(
    string Model,
    long[] InputShape,
    long Params,
    long FixedValues,
    long Macs,
    IReadOnlyList<LayerProfile> Layers
);
