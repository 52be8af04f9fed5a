namespace LeanNets.Training;

/// <summary>
/// An exclusive lock on a run directory for as long as one training uses it (<c>run.lock</c>, an OS file lock:
/// released by the kernel when the process dies, so a killed run never leaves the directory locked).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";
    private readonly FileStream stream;
    private readonly string path;

    private RunLock(FileStream stream, string path) => (this.stream, this.path) = (stream, path);

    public static RunLock Acquire(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        string path = Path.Combine(runDirectory, FileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
                writer.Write(Environment.ProcessId);
            stream.Flush();
            return new RunLock(stream, path);
        }
        catch (IOException)
        {
            throw new LeanNetsException($"{runDirectory} is in use by another training (it holds {FileName})");
        }
    }

    public void Dispose()
    {
        File.Delete(path); // still ours while the stream is open
        stream.Dispose();
    }
}
