namespace LeanNets;

/// <summary>A user-facing failure (bad file, failed run). Its message is one line that names the problem.</summary>
public class LeanNetsException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A user-facing usage error: unknown name, bad option value. The CLI exits with code 2.</summary>
public class LeanNetsUsageException(string message) : LeanNetsException(message);

/// <summary>An image file that cannot be used; front ends may offer to skip such files.</summary>
public sealed class BadImageException(string message) : LeanNetsException(message)
{
    /// <summary>The one message for a picture that did not decode: a TIFF (or another kind LeanNets does not
    /// read) is named with the kinds it does read; anything else is unreadable, corrupt or oversized.</summary>
    public static BadImageException Undecodable(string path) => Undecodable(path, IO.FileSignature.Describe(path));

    /// <summary><see cref="Undecodable(string)"/> of an encoded picture held in memory (an upload): described by its
    /// own bytes, named <paramref name="name"/> (never read as a path).</summary>
    public static BadImageException Undecodable(string name, ReadOnlySpan<byte> encoded) =>
        Undecodable(name, IO.FileSignature.Of(encoded));

    private static BadImageException Undecodable(string name, string? kind) =>
        kind != null && !IO.FileSignature.IsDecodablePicture(kind)
            ? new BadImageException($"{name}: {kind}, which LeanNets does not read (use PNG, JPEG, BMP, GIF or WebP)")
            : new BadImageException($"{name}: unreadable, corrupt or oversized image");
}
