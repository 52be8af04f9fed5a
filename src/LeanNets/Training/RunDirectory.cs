using LeanNets.IO;

namespace LeanNets.Training;

/// <summary>
/// The rules a run directory follows for every kind of training: one training at a time (<see cref="RunLock"/>),
/// no silent overwrite of a run, no temporary files of a killed write taken for part of it, and no empty
/// directory left by a run that failed before its first commit.
/// </summary>
internal static class RunDirectory
{
    public static bool HoldsRun(string dir, IReadOnlyList<string> checkpoints) =>
        checkpoints.Any(name => File.Exists(Path.Combine(dir, name)));

    /// <summary>Starts a fresh run in <paramref name="dir"/>: refused when it holds one unless forced, in which
    /// case the old checkpoints are removed first.</summary>
    public static T Start<T>(string dir, bool force, IReadOnlyList<string> checkpoints, Func<T> train)
    {
        bool created = !Directory.Exists(dir);
        try
        {
            using var runLock = RunLock.Acquire(dir);
            if (!force && HoldsRun(dir, checkpoints))
            {
                throw new LeanNetsUsageException(
                    $"{dir} already holds a training run; resume it, choose another run directory, or force a "
                        + "restart"
                );
            }
            RemoveStaleFiles(dir);
            foreach (var name in checkpoints)
                File.Delete(Path.Combine(dir, name));
            return train();
        }
        catch when (created && Directory.Exists(dir) && !HoldsRun(dir, checkpoints))
        {
            // A run that failed before its first epoch was committed leaves no directory behind.
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>The run directory a resume reads: the request names it or a checkpoint file in it.</summary>
    public static string Source(ResumeRequest request) =>
        Directory.Exists(request.Run) ? request.Run
        : File.Exists(request.Run) ? Path.GetDirectoryName(Path.GetFullPath(request.Run))!
        : throw new LeanNetsException($"{request.Run}: no such run directory or checkpoint to resume");

    /// <summary>Refuses a resume of a run that is not of the model (or data) the caller named.</summary>
    public static void RequireExpectedRun(ResumeRequest request, string source, string model, string data)
    {
        if (request.Model != null && request.Model != model)
            throw new LeanNetsUsageException($"{source} is a run of '{model}', not '{request.Model}'");
        if (request.Data != null && Path.GetFullPath(request.Data) != Path.GetFullPath(data))
            throw new LeanNetsUsageException($"{source} was trained on {data}, not {request.Data}");
    }

    /// <summary>Continues a run from <paramref name="source"/> in the request's directory (the source itself
    /// by default; another one gets copies of the checkpoints and the source is only read).</summary>
    public static T Continue<T>(ResumeRequest request, string source, IReadOnlyList<string> checkpoints,
        Func<string, T> train)
    {
        string target = request.OutputDir ?? source;
        bool elsewhere = Path.GetFullPath(target).TrimEnd('/') != Path.GetFullPath(source).TrimEnd('/');
        using var runLock = RunLock.Acquire(target);
        if (elsewhere)
        {
            if (!request.Force && HoldsRun(target, checkpoints))
                throw new LeanNetsUsageException(
                    $"{target} already holds another training run; choose another run directory"
                );
            foreach (var name in checkpoints)
            {
                string from = Path.Combine(source, name);
                if (File.Exists(from))
                    AtomicFile.Copy(from, Path.Combine(target, name));
            }
        }
        RemoveStaleFiles(target);
        return train(target);
    }

    /// <summary>Temporary files of a write that a kill interrupted: never part of the run.</summary>
    private static void RemoveStaleFiles(string dir)
    {
        foreach (var temp in Directory.EnumerateFiles(dir, "*" + AtomicFile.TempSuffix))
            File.Delete(temp);
    }
}
