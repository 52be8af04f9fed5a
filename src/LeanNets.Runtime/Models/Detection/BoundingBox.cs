namespace LeanNets.Models.Detection;

/// <summary>An axis-aligned box in pixels, corners (x1, y1) top-left and (x2, y2) bottom-right (continuous
/// coordinates: a box from 0 to 10 is 10 wide, as torchvision counts it; the VOC devkit adds one pixel).</summary>
public readonly record struct BoundingBox(float X1, float Y1, float X2, float Y2)
{
    public float Width => Math.Max(0, X2 - X1);
    public float Height => Math.Max(0, Y2 - Y1);
    public float Area => Width * Height;

    /// <summary>Intersection over union; 0 for boxes that do not overlap (or have no area).</summary>
    public float Iou(BoundingBox other)
    {
        float w = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        float h = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (w <= 0 || h <= 0)
            return 0;
        float intersection = w * h;
        return intersection / (Area + other.Area - intersection);
    }
}

/// <summary>A detector's output for one object.</summary>
public sealed record DetectedObject(string Image, int Class, float Score, BoundingBox Box);

/// <summary>An annotated object; VOC marks hard ones "difficult" and the metric neither rewards nor punishes
/// detecting them.</summary>
public sealed record LabelledObject(string Image, int Class, BoundingBox Box, bool Difficult = false);
