namespace LeanNets.IO;

/// <summary>
/// What a file is by its first bytes, for error messages that say what was given instead of only what it is not
/// (a JPEG passed as weights, a TIFF passed as a picture, a TorchScript archive passed as a state dict).
/// </summary>
public static class FileSignature
{
    /// <summary>"a JPEG image", "a TIFF image", ... or null when the start of the file says nothing known.
    /// </summary>
    public static string? Describe(string path)
    {
        var head = new byte[12];
        int read;
        try
        {
            using var file = File.OpenRead(path);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Of(head.AsSpan(0, read));
    }

    /// <summary><see cref="Describe"/> of bytes held in memory (an upload): what its first bytes say, or null.
    /// </summary>
    public static string? Of(ReadOnlySpan<byte> start)
    {
        var head = start[..Math.Min(start.Length, 12)].ToArray();
        int read = head.Length;
        bool Starts(params byte[] magic) => read >= magic.Length && head.AsSpan(0, magic.Length).SequenceEqual(magic);
        return Starts(0xFF, 0xD8, 0xFF) ? "a JPEG image"
            : Starts(0x89, (byte)'P', (byte)'N', (byte)'G') ? "a PNG image"
            : Starts((byte)'I', (byte)'I', 42, 0) || Starts((byte)'M', (byte)'M', 0, 42) ? "a TIFF image"
            : Starts((byte)'G', (byte)'I', (byte)'F', (byte)'8') ? "a GIF image"
            : Starts((byte)'B', (byte)'M') ? "a BMP image"
            : Starts((byte)'R', (byte)'I', (byte)'F', (byte)'F') && read >= 12 && head[8] == 'W' && head[9] == 'E'
                ? "a WebP image"
            : Starts((byte)'P', (byte)'K', 3, 4) ? "a zip archive"
            : null;
    }

    /// <summary>True for the kinds of picture LeanNets decodes (SkiaSharp's: PNG, JPEG, BMP, GIF, WebP).</summary>
    public static bool IsDecodablePicture(string? kind) =>
        kind is "a JPEG image" or "a PNG image" or "a GIF image" or "a BMP image" or "a WebP image";
}
