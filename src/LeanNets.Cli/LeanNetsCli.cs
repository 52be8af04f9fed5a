using System.CommandLine;
using LeanNets.Cli.Commands;
using LeanNets.Runtime;

namespace LeanNets.Cli;

/// <summary>The `leannets` command line: parses, sets up the runtime, maps errors to exit codes.</summary>
public static class LeanNetsCli
{
    public const int Success = 0, Failure = 1, UsageError = 2;

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "CPU threads for tensor ops (0 = all cores)",
        Recursive = true,
        DefaultValueFactory = _ => 0,
    };

    public static RootCommand BuildRoot(TextWriter output)
    {
        var root = new RootCommand("LeanNets: lightweight CNNs (VGNet, DualConv and their peers) for .NET")
        {
            ModelsCommand.Create(output),
            InfoCommand.Create(output),
            TrainCommand.Create(output),
            TablesCommand.Create(output),
            EvalCommand.Create(output),
            DemoCommand.Create(output),
            KernelsCommand.Create(output),
            BenchCommand.Create(output),
            CompareCommand.Create(output),
        };
        root.Options.Add(Threads);
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Some parser messages list suggestions on separate lines: keep the error to one line.
            string message = string.Join(", ", parsed.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"leannets: error: {message} (see 'leannets --help')");
            return UsageError;
        }
        try
        {
            int threads = parsed.GetValue(Threads);
            if (threads < 0) throw new LeanNetsUsageException($"--threads must be 0 (all cores) or positive, got {threads}");
            if (parsed.Action is not System.CommandLine.Help.HelpAction) LeanRuntime.Initialize(new RuntimeOptions(threads));
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (LeanNetsUsageException e)
        {
            error.WriteLine($"leannets: error: {e.Message}");
            return UsageError;
        }
        catch (LeanNetsException e)
        {
            error.WriteLine($"leannets: error: {e.Message}");
            return Failure;
        }
        catch (IOException e)
        {
            error.WriteLine($"leannets: error: {e.Message}");
            return Failure;
        }
    }
}
