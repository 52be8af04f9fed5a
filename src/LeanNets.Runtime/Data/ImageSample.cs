namespace LeanNets.Data;

/// <summary>One decoded image, channel-major (C, H, W) bytes, with its class label.</summary>
public readonly record struct ImageSample(byte[] Pixels, int Channels, int Height, int Width, int Label);
