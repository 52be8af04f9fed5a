namespace LeanNets.Data;

/// <summary>Images of one fixed size held in one byte array (IDX and CIFAR files are small enough).</summary>
public sealed class InMemoryDataset : IImageDataset
{
    private readonly byte[] pixels;
    private readonly int[] labels;

    public InMemoryDataset(
        byte[] pixels,
        int[] labels,
        int channels,
        int height,
        int width,
        IReadOnlyList<string> classNames
    )
    {
        long size = (long)channels * height * width;
        if (pixels.LongLength != size * labels.Length)
            throw new ArgumentException(
                $"pixel buffer holds {pixels.LongLength} bytes, expected {labels.Length} images of {size}"
            );
        (this.pixels, this.labels, Channels, Height, Width, ClassNames) = (
            pixels,
            labels,
            channels,
            height,
            width,
            classNames
        );
    }

    public int Count => labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public IReadOnlyList<int> Labels => labels;

    public ImageSample Get(int index)
    {
        int size = Channels * Height * Width;
        return new ImageSample(pixels.AsSpan(index * size, size).ToArray(), Channels, Height, Width, labels[index]);
    }

    /// <summary>The first <paramref name="count"/> images (or all), e.g. for a quick run.</summary>
    public InMemoryDataset Take(int count)
    {
        if (count >= Count)
            return this;
        int size = Channels * Height * Width;
        return new InMemoryDataset(
            pixels.AsSpan(0, count * size).ToArray(),
            labels[..count],
            Channels,
            Height,
            Width,
            ClassNames
        );
    }
}
