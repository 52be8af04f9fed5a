namespace LeanNets.Models.Detection;

/// <summary>A ground-truth box of one training image, in input pixels: what the data gives the detector's
/// loss.</summary>
public readonly record struct TargetBox(int Class, BoundingBox Box);
