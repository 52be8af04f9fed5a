using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// A part of a model as a family builder hands it to <see cref="Classifier"/> (the stem or one stage): the module,
/// its output channels and its stride, from which the classifier derives <see cref="FeatureInfo"/>.
/// </summary>
public sealed record StagePart(nn.Module<Tensor, Tensor> Module, long Channels, int Stride);
