using static TorchSharp.torch;

namespace LeanNets.Loading;

/// <summary>Weights loaded from a file are checked for NaN and infinity before anything runs on them, so a broken
/// file is named with its first bad tensor instead of producing NaN outputs (or reports that cannot hold them).
/// </summary>
public static class FiniteWeights
{
    public static void Require(nn.Module model, string file)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (!tensor.is_floating_point())
                continue;
            using var finite = tensor.isfinite().all();
            if (finite.item<bool>())
                continue;
            using var nan = tensor.isnan().any();
            throw new LeanNetsException(
                $"{file}: the weights contain {(nan.item<bool>() ? "NaN" : "infinity")} in '{name}'");
        }
    }
}
