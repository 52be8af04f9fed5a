namespace LeanNets.Models;

/// <summary>
/// What one stage of a model produces: the module path whose output it is, its channels and its
/// reduction (total stride from the input). timm's <c>feature_info</c>; detection necks and CAM read it.
/// </summary>
public sealed record FeatureInfo(string Module, long Channels, int Reduction);
