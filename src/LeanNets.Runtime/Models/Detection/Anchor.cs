namespace LeanNets.Models.Detection;

/// <summary>An anchor box in input pixels.</summary>
public readonly record struct Anchor(float Width, float Height)
{
    /// <summary>The IoU of two box shapes placed corner to corner: how the loss picks an object's anchor and what
    /// anchor fitting maximises.</summary>
    public double ShapeIou(Anchor other)
    {
        double inter = Math.Min(Width, other.Width) * (double)Math.Min(Height, other.Height);
        return inter / ((double)Width * Height + (double)other.Width * other.Height - inter);
    }
}
