namespace LeanNets.IO;

/// <summary>
/// Writes a whole folder of results at once: everything goes into a hidden temporary sibling, which replaces
/// the target only when complete, so a failure leaves the previous folder (or none), never a partial one.
/// An existing target is replaced only when it is empty or holds the marker file of an earlier result, so a
/// folder of someone else's files is never deleted.
/// </summary>
public static class AtomicDirectory
{
    public static void Write(string target, string marker, Action<string> fill)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        if (
            Directory.Exists(full)
            && Directory.EnumerateFileSystemEntries(full).Any()
            && !File.Exists(Path.Combine(full, marker))
        )
            throw new LeanNetsUsageException(
                $"{target} exists and is not an earlier report (no {marker}); choose another folder"
            );
        if (File.Exists(full) && new FileInfo(full).LinkTarget == null)
            throw new LeanNetsUsageException($"{target} is a file, not a folder");
        // Renaming a symbolic link aside would replace the link with a folder: refused, never guessed.
        if (new FileInfo(full).LinkTarget != null)
            throw new LeanNetsUsageException($"{target} is a symbolic link; name the folder it points to");
        string parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        string name = Path.GetFileName(full);
        string temp = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
        using var tracked = TempPaths.Track(temp);
        Directory.CreateDirectory(temp);
        try
        {
            fill(temp);
            string? old = null;
            if (Directory.Exists(full))
            {
                old = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.old");
                Directory.Move(full, old);
            }
            Directory.Move(temp, full);
            if (old != null)
                Directory.Delete(old, recursive: true);
        }
        catch
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>Writes several files into <paramref name="folder"/> (which may hold other things, such as a run's
    /// checkpoints) all or nothing: <paramref name="fill"/> writes them into a hidden temporary folder inside it,
    /// and only when it succeeds are they renamed into place, so a failure leaves every earlier file as it was.
    /// </summary>
    public static void WriteInto(string folder, Action<string> fill)
    {
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
        using var tracked = TempPaths.Track(temp);
        Directory.CreateDirectory(temp);
        try
        {
            fill(temp);
            foreach (string file in Directory.EnumerateFiles(temp))
            {
                string destination = Path.Combine(folder, Path.GetFileName(file));
                if (new FileInfo(destination).LinkTarget != null)
                    throw new LeanNetsUsageException($"{destination} is a symbolic link; it is not replaced");
            }
            foreach (string file in Directory.EnumerateFiles(temp))
                File.Move(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }
}
