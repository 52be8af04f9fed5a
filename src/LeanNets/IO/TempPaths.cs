using System.Collections.Concurrent;

namespace LeanNets.IO;

/// <summary>
/// The temporary files and folders being written right now. A write that completes or fails removes its own; a
/// process ended by a signal mid-write removes them all on its way out (<see cref="DeleteAll"/>), so no hidden
/// `.tmp` sibling is left behind for the next run to find.
/// </summary>
public static class TempPaths
{
    private static readonly ConcurrentDictionary<string, bool> Live = new();

    /// <summary>Tracks <paramref name="path"/> until the returned handle is disposed.</summary>
    public static IDisposable Track(string path)
    {
        Live[path] = true;
        return new Handle(path);
    }

    /// <summary>Deletes every tracked path that still exists (best effort: another thread may still be writing
    /// into one); returns how many were removed.</summary>
    public static int DeleteAll()
    {
        int removed = 0;
        foreach (string path in Live.Keys)
        {
            try
            {
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
                else if (File.Exists(path))
                    File.Delete(path);
                else
                    continue;
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private sealed class Handle(string path) : IDisposable
    {
        public void Dispose() => Live.TryRemove(path, out _);
    }
}
