namespace LeanNets.Data;

/// <summary>
/// One image file made into a model's input with a data config's evaluation transform, and the same pixels as
/// RGB bytes (3, Size, Size) to draw overlays on: what the model saw, not the original file.
/// </summary>
public sealed class ImageInput
{
    private ImageInput(string path, float[] values, int channels, byte[] rgb, int size)
    {
        Path = path;
        Values = values;
        Channels = channels;
        Rgb = rgb;
        Size = size;
    }

    public string Path { get; }

    /// <summary>The model's input, normalised, (C, Size, Size) row-major: what ONNX Runtime takes, with no libtorch
    /// in the process.</summary>
    public float[] Values { get; }

    public int Channels { get; }

    /// <summary>Channel-major RGB bytes of the transformed image (a one-channel input is repeated).</summary>
    public byte[] Rgb { get; }

    public int Size { get; }

    /// <summary>Decodes a PNG/JPEG/BMP/GIF/WebP file; colour becomes grey (ITU-R BT.601 luma) for a one-channel
    /// model and grey is repeated for an RGB one.</summary>
    public static ImageInput Load(string path, DataConfig config)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"image not found: {path}");
        var rgb = ImageFolderDataset.TryDecode(path, out int h, out int w)
            ?? throw BadImageException.Undecodable(path);
        return From(rgb, h, w, path, config);
    }

    /// <summary>An encoded image held in memory (an upload), as <see cref="Load"/> makes a file; <paramref
    /// name="name"/> stands for its path in predictions and messages.</summary>
    public static ImageInput FromBytes(byte[] encoded, string name, DataConfig config)
    {
        var rgb = ImageFolderDataset.TryDecode(encoded, out int h, out int w)
            ?? throw BadImageException.Undecodable(name, encoded);
        return From(rgb, h, w, name, config);
    }

    private static ImageInput From(byte[] rgb, int h, int w, string path, DataConfig config)
    {
        var sample = new ImageSample(ToChannels(rgb, h * w, config.Channels), config.Channels, h, w, 0);
        var values = config.EvalTransform().Apply(sample, new Random(0));
        int size = config.InputSize,
            plane = size * size;
        var shown = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            int source = Math.Min(c, config.Channels - 1);
            for (int i = 0; i < plane; i++)
            {
                double value = values[source * plane + i] * config.Std[source] + config.Mean[source];
                shown[c * plane + i] = (byte)Math.Clamp(Math.Round(255 * value), 0, 255);
            }
        }
        return new ImageInput(path, values, config.Channels, shown, size);
    }

    private static byte[] ToChannels(byte[] rgb, int plane, int channels)
    {
        if (channels == 3)
            return rgb;
        var grey = new byte[plane];
        for (int i = 0; i < plane; i++)
            grey[i] = (byte)Math.Round(0.299 * rgb[i] + 0.587 * rgb[plane + i] + 0.114 * rgb[2 * plane + i]);
        if (channels == 1)
            return grey;
        var repeated = new byte[channels * plane];
        for (int c = 0; c < channels; c++)
            Array.Copy(grey, 0, repeated, c * plane, plane);
        return repeated;
    }
}
