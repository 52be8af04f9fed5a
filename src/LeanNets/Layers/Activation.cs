using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>The activations the two papers and their peers use.</summary>
public enum ActivationKind
{
    None,
    ReLU,
    ReLU6,
    SiLU,
    HardSwish,
    HardSigmoid,

    /// <summary>LeakyReLU with slope 0.1 for negative inputs (Darknet's activation).</summary>
    LeakyReLU,
    Sigmoid,
}

public static class Activation
{
    public static nn.Module<Tensor, Tensor> Create(ActivationKind kind) =>
        kind switch
        {
            ActivationKind.None => nn.Identity(),
            ActivationKind.ReLU => nn.ReLU(inplace: true),
            ActivationKind.ReLU6 => nn.ReLU6(inplace: true),
            ActivationKind.SiLU => nn.SiLU(inplace: true),
            ActivationKind.HardSwish => nn.Hardswish(inplace: true),
            ActivationKind.HardSigmoid => nn.Hardsigmoid(inplace: true),
            ActivationKind.LeakyReLU => new LeakyRelu(0.1),
            ActivationKind.Sigmoid => nn.Sigmoid(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation"),
        };
}
