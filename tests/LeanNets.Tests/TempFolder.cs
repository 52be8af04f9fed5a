namespace LeanNets.Tests;

/// <summary>A scratch folder removed after the test.</summary>
/// <param name="inMemory">put it in /dev/shm when the machine has one: for tests that move gigabytes of weights
/// through files, where the disk would dominate their time.</param>
internal sealed class TempFolder(bool inMemory = false) : IDisposable
{
    private const string SharedMemory = "/dev/shm";

    public string Path { get; } =
        inMemory && Directory.Exists(SharedMemory)
            ? Directory.CreateDirectory(System.IO.Path.Combine(SharedMemory, $"leannets-test-{Guid.NewGuid():N}")).FullName
            : Directory.CreateTempSubdirectory("leannets-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
    }
}
