namespace LeanNets;

/// <summary>A user-facing failure (bad file, failed run). Its message is one line that names the problem.</summary>
public class LeanNetsException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A user-facing usage error: unknown name, bad option value. The CLI exits with code 2.</summary>
public class LeanNetsUsageException(string message) : LeanNetsException(message);

/// <summary>An image file that cannot be used; front ends may offer to skip such files.</summary>
public sealed class BadImageException(string message) : LeanNetsException(message);
