using System.CommandLine;
using System.Runtime.InteropServices;
using LeanNets.Cli.Commands;
using LeanNets.Runtime;

namespace LeanNets.Cli;

/// <summary>
/// The `leannets` command line: parses, sets up the runtime, and maps every failure to one line and an exit code:
/// 2 for usage errors, 1 for failures (bad files, diverged runs, libtorch errors, anything unexpected).
/// </summary>
public static class LeanNetsCli
{
    public const int Success = 0,
        Failure = 1,
        UsageError = 2;

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "CPU threads for tensor ops (0 = $LEANNETS_THREADS, else all cores; at most 4x the cores)",
        Recursive = true,
        DefaultValueFactory = _ => 0,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "on an error, also print the stack trace",
        Recursive = true,
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
            VizCommand.Create(output),
            ExportCommand.Create(output),
            QuantizeCommand.Create(output),
            PredictCommand.Create(output),
            ConvertCommand.Create(output),
            PretrainedCommand.Create(output),
            DetectCommand.Create(output),
        };
        root.Options.Add(Threads);
        root.Options.Add(Verbose);
        NameChoices(root);
        return root;
    }

    /// <summary>An enum's values as the command line takes them (it parses them case-insensitively).</summary>
    private static IEnumerable<string> Choices(Type type) => Enum.GetNames(type).Select(n => n.ToLowerInvariant());

    /// <summary>Help lists every enum option's choices by their command-line names (`--engine
    /// &lt;torchsharp|onnxruntime&gt;`), not the .NET names the parser would show.</summary>
    private static void NameChoices(Command root)
    {
        foreach (var option in AllOptions(root))
            if (ValueTypeOf(option) is { IsEnum: true } type)
                option.HelpName ??= string.Join("|", Choices(type));
    }

    /// <summary>Every option of a command and of its subcommands.</summary>
    private static IEnumerable<Option> AllOptions(Command command) =>
        command.Options.Concat(command.Subcommands.SelectMany(AllOptions));

    /// <summary>The type an option parses to (a nullable one's underlying type).</summary>
    private static Type ValueTypeOf(Option option) => Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;

    /// <summary>The parser's help with every enum default in its command-line name (`[default: torchsharp]`, as
    /// the choices and the messages say it): System.CommandLine 2.0 prints the .NET name and offers no public hook
    /// for one symbol's help, so the text is mended.</summary>
    private static int WriteHelp(RootCommand root, ParseResult parsed, TextWriter output, TextWriter error)
    {
        using var help = new StringWriter();
        int code = parsed.Invoke(new InvocationConfiguration { Output = help, Error = error });
        string text = help.ToString();
        foreach (string name in AllOptions(root).Select(ValueTypeOf).Where(t => t.IsEnum).SelectMany(Enum.GetNames)
            .Distinct())
            text = System.Text.RegularExpressions.Regex.Replace(text, $@"(\[default:\s+){name}\]",
                m => m.Groups[1].Value + name.ToLowerInvariant() + "]");
        output.Write(text);
        return code;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"leannets: error: {ParseErrorLine(root, args, parsed)}");
            return UsageError;
        }
        if (parsed.Action is System.CommandLine.Help.HelpAction)
            return WriteHelp(root, parsed, output, error);
        using var signals = new StopSignals(error);
        try
        {
            LeanRuntime.Initialize(
                new RuntimeOptions(
                    CheckThreads(parsed.GetValue(Threads), error),
                    LoadLibTorch: !(BenchCommand.RunsOnOnnxRuntimeAlone(parsed) || ModelIsOnnxFile(parsed))
                )
            );
            return parsed.Invoke(
                new InvocationConfiguration
                {
                    Output = output,
                    Error = error,
                    EnableDefaultExceptionHandler = false,
                }
            );
        }
        catch (Exception e)
        {
            // The advice only where it applies: a command with --skip-bad that was not given it.
            bool canSkip = parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--skip-bad")
                is Option<bool> skipBad && !parsed.GetValue(skipBad);
            var (code, described) = Describe(e, canSkip);
            string message = Printable(described);
            if (e is Training.TrainingStoppedException && signals.ExitCode > 0)
            {
                error.WriteLine($"leannets: {message}");
                return signals.ExitCode;
            }
            error.WriteLine($"leannets: error: {message}");
            if (parsed.GetValue(Verbose))
                error.WriteLine(e.ToString());
            return code;
        }
    }

    /// <summary>One line and an exit code for any exception: the policy every command shares.</summary>
    internal static (int Code, string Message) Describe(Exception e, bool canSkipBad = false) =>
        e switch
        {
            LeanNetsUsageException => (UsageError, e.Message),
            BadImageException when canSkipBad => (Failure, e.Message + " (use --skip-bad to skip such files)"),
            LeanNetsException => (Failure, e.Message),
            UnauthorizedAccessException => (Failure, $"permission denied: {FirstLine(e.Message)}"),
            DirectoryNotFoundException or FileNotFoundException => (Failure, FirstLine(e.Message)),
            IOException => (Failure, FirstLine(e.Message)),
            OutOfMemoryException => (
                Failure,
                "out of memory: use a smaller batch or input"
            ),
            OperationCanceledException => (Failure, "cancelled"),
            ExternalException => (Failure, $"libtorch: {FirstLine(e.Message)}"),
            _ => (
                Failure,
                $"internal error ({e.GetType().Name}: {FirstLine(e.Message)}); run with --verbose for the trace"
            ),
        };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>An error message as one printable line: control characters (a garbage file's bytes quoted in a
    /// parser's message) become '?', and a runaway message is cut.</summary>
    internal static string Printable(string message)
    {
        const int limit = 400;
        var line = new string(message.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return line.Length <= limit ? line : line[..limit] + "...";
    }

    private static string ParseErrorLine(RootCommand root, string[] args, ParseResult parsed)
    {
        // An unknown first word is an unknown command, whatever the parser calls it.
        if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
            return $"unknown command '{args[0]}'; see 'leannets --help'";
        // An enum or number option's bad value: what the command line accepts, not the .NET type's name.
        if (parsed.Errors[0].SymbolResult is System.CommandLine.Parsing.OptionResult { Option: var option } result)
        {
            string given = result.Tokens.FirstOrDefault()?.Value ?? "";
            Type type = ValueTypeOf(option);
            if (type.IsEnum)
            {
                return $"{option.Name}: '{given}' is not one of {string.Join(", ", Choices(type))} (see 'leannets "
                    + "--help')";
            }
            if (NumberKind(type) is { } kind)
                return $"{option.Name}: '{given}' is not {kind} (see 'leannets --help')";
        }
        // Some parser messages list suggestions on separate lines: keep the error to one line.
        string message = string.Join(
            ", ",
            parsed.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        );
        return $"{message} (see 'leannets --help')";
    }

    private static string? NumberKind(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(float) ? "a number"
        : null;

    /// <summary>True for `predict` or `detect` with an ONNX file: it runs on ONNX Runtime alone and need not load
    /// libtorch (about 120 MB resident), as a deployed model would not.</summary>
    private static bool ModelIsOnnxFile(ParseResult parsed) =>
        parsed.CommandResult.Command.Name is "predict" or "detect"
        && parsed.GetValue<string>("model") is { } name
        && Loading.OnnxMetadata.IsOnnxFile(name);

    private static int CheckThreads(int threads, TextWriter error)
    {
        int cores = Environment.ProcessorCount;
        if (threads < 0)
            throw new LeanNetsUsageException($"--threads must be 0 (the default) or positive, got {threads}");
        if (threads > 0)
            Runtime.ResourceGuard.RequireThreads(threads, "--threads");
        if (threads > cores)
            error.WriteLine($"leannets: warning: --threads {threads} exceeds the {cores} cores; expect it slower");
        return threads;
    }
}
