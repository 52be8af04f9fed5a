using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// What one stage of a model produces: the module path whose output it is, its channels and its
/// reduction (total stride from the input). timm's <c>feature_info</c>; detection necks and CAM read it.
/// </summary>
public sealed record FeatureInfo(string Module, long Channels, int Reduction);

/// <summary>A part of a model as a family builder hands it over: the module, its output channels, its stride.</summary>
public sealed record StagePart(nn.Module<Tensor, Tensor> Module, long Channels, int Stride);
