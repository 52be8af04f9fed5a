namespace LeanNets.IO;

/// <summary>
/// The one way LeanNets writes a file: into a temporary sibling, flushed to disk, then renamed over the
/// target, so a crash or a full disk at any moment leaves either the old file or the new one, never half.
/// A failed write removes its temporary file.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void WriteAllText(string path, string text) =>
        Write(
            path,
            stream =>
            {
                using var w = new StreamWriter(stream, leaveOpen: true);
                w.Write(text);
            }
        );

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static void Copy(string source, string destination) =>
        Write(
            destination,
            stream =>
            {
                using var input = File.OpenRead(source);
                input.CopyTo(stream);
            }
        );

    /// <summary>Writes through <paramref name="write"/> into a temporary file, flushes it to disk, renames
    /// it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        // Renaming over a symbolic link would replace the link, not write where it points: refused, never guessed.
        if (new FileInfo(full).LinkTarget != null)
            throw new LeanNetsUsageException($"{path} is a symbolic link; name the file it points to");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + TempSuffix;
        using var tracked = TempPaths.Track(temp);
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
