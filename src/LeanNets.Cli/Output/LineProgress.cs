namespace LeanNets.Cli.Output;

/// <summary>Prints progress lines as they come (synchronously, unlike Progress&lt;T&gt;).</summary>
public sealed class LineProgress(TextWriter output) : IProgress<string>
{
    public void Report(string value) => output.WriteLine(value);
}
