namespace LeanNets.Tests.Packaging;

/// <summary>
/// The NuGet packages load anywhere: packed into a local folder (each with its XML documentation and a symbol
/// package whose PDB embeds the sources), referenced by fresh console projects outside the repository (so none of
/// the repository's build files apply), built and run: a forward pass of vgnetg_1_0mp on the full library, and an
/// ONNX file classified by an app published trimmed and self-contained on the runtime package alone.
/// </summary>
public class PackageConsumerTests(PackageConsumerTests.Feed feed) : IClassFixture<PackageConsumerTests.Feed>
{
    /// <summary>Both packages packed once, at a version of their own, so NuGet's cache never hands back an older
    /// build.</summary>
    public sealed class Feed : IDisposable
    {
        private readonly TempFolder dir = new();

        public Feed()
        {
            Version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
            Folder = dir.File("feed");
            foreach (string project in new[] { "LeanNets.Runtime", "LeanNets" })
            {
                var (code, log) = Dotnet(RepositoryRoot.Path, "pack",
                    RepositoryRoot.File("src", project, project + ".csproj"), "-c", "Release", "-o", Folder,
                    $"-p:Version={Version}", "--disable-build-servers");
                Assert.True(code == 0, log);
            }
        }

        public string Version { get; }

        public string Folder { get; }

        /// <summary>A console project outside the repository referencing <paramref name="package"/> from the feed.
        /// </summary>
        public string Consumer(string name, string package, string program)
        {
            string consumer = dir.File(name);
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="{package}" Version="{Version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><add key="local" value="{Folder}" /></packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), program);
            return consumer;
        }

        public void Dispose() => dir.Dispose();
    }

    // pack, restore and build of a fresh project take 1-3 minutes on a busy 2-core machine.
    private static (int Code, string Output) Dotnet(string workingDirectory, params string[] args)
    {
        var env = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        var (code, output, error) = ChildProcess.Run(
            ChildProcess.Start("dotnet", args, env, workingDirectory),
            TimeSpan.FromMinutes(6)
        );
        return (code, output + error);
    }

    /// <summary>The file names of the sources embedded in the symbol package's portable PDB.</summary>
    private static List<string> EmbeddedSources(string snupkg, string assembly)
    {
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        using var package = System.IO.Compression.ZipFile.OpenRead(snupkg);
        using var pdb = new MemoryStream();
        using (var entry = package.Entries.Single(e => e.FullName == $"lib/net10.0/{assembly}.pdb").Open())
            entry.CopyTo(pdb);
        pdb.Position = 0;
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        return reader.Documents
            .Where(d => reader.GetCustomDebugInformation(d).Any(c =>
                reader.GetGuid(reader.GetCustomDebugInformation(c).Kind) == embeddedSource))
            .Select(d => Path.GetFileName(reader.GetString(reader.GetDocument(d).Name)))
            .ToList();
    }

    [Theory]
    [InlineData("LeanNets", "ModelRegistry.cs")]
    [InlineData("LeanNets.Runtime", "ModelCard.cs")]
    public void EachPackageCarriesItsDocumentationAndSources(string package, string source)
    {
        // IntelliSense's documentation travels in the package and the symbols beside it.
        using (var nupkg = System.IO.Compression.ZipFile.OpenRead(
            Path.Combine(feed.Folder, $"{package}.{feed.Version}.nupkg")))
            Assert.Contains(nupkg.Entries, e => e.FullName == $"lib/net10.0/{package}.xml");
        string snupkg = Path.Combine(feed.Folder, $"{package}.{feed.Version}.snupkg");
        Assert.True(File.Exists(snupkg), "no symbol package");
        Assert.Contains(source, EmbeddedSources(snupkg, package));
    }

    [Fact]
    public void AFreshConsoleProjectReferencingThePackageRunsAModel()
    {
        string consumer = feed.Consumer("full", "LeanNets", """
            using LeanNets.Models;
            using LeanNets.Runtime;
            using static TorchSharp.torch;

            LeanRuntime.Initialize();
            using var model = ModelRegistry.Create("vgnetg_1_0mp");
            model.eval();
            using var logits = model.call(randn(1, 3, 224, 224));
            Console.WriteLine($"logits {string.Join("x", logits.shape)}, {model.NumFeatures} features");
            """);
        var (code, log) = Dotnet(consumer, "run", "-c", "Release", "--disable-build-servers");
        Assert.True(code == 0, log);
        Assert.Contains("logits 1x1000, 368 features", log);
    }

    /// <summary>The deployment the runtime package exists for: an app that classifies with a LeanNets ONNX file,
    /// published self-contained and trimmed for linux-x64, is under 100 MB with no TorchSharp or libtorch in it,
    /// and names the same classes as the full library does in this process.</summary>
    [Fact]
    public void AnOnnxOnlyAppPublishesSmallOnTheRuntimePackage()
    {
        using var dir = new TempFolder();
        string onnx = dir.File("mobilenetv2_050.onnx");
        Assert.Equal(0, Cli.CliTests.Run("export", "mobilenetv2_050", "--onnx", onnx).Code);
        var photos = Directory.GetFiles(RepositoryRoot.File("data", "photos"), "*.jpg").Order().ToArray();
        string consumer = feed.Consumer("runtime", "LeanNets.Runtime", """
            using LeanNets.Inference;

            using var classifier = ImageClassifier.FromOnnxFile(args[0]);
            foreach (var p in classifier.Classify(args[1..], top: 1))
                Console.WriteLine($"{Path.GetFileName(p.Image)}: {p.Top[0].Name}");
            """);
        string published = Path.Combine(consumer, "published");
        var (code, log) = Dotnet(consumer, "publish", "-c", "Release", "-r", "linux-x64", "--self-contained",
            "-p:PublishTrimmed=true", "-o", published, "--disable-build-servers");
        Assert.True(code == 0, log);
        var files = Directory.GetFiles(published, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase));
        double megabytes = files.Sum(f => new FileInfo(f).Length) / 1e6;
        Assert.True(megabytes < 100, $"the published app is {megabytes:F1} MB");
        var (runCode, output, error) = ChildProcess.Run(
            ChildProcess.Start(Path.Combine(published, "consumer"), [onnx, .. photos], null, consumer),
            TimeSpan.FromMinutes(1));
        Assert.True(runCode == 0, output + error);
        using var library = LeanNets.Inference.ImageClassifier.FromOnnxFile(onnx);
        var expected = library.Classify(photos, top: 1).Select(p => $"{Path.GetFileName(p.Image)}: {p.Top[0].Name}");
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
