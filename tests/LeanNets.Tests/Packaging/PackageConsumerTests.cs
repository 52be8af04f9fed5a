namespace LeanNets.Tests.Packaging;

/// <summary>
/// The NuGet package loads anywhere: packed into a local folder (with its XML documentation and a symbol package
/// whose PDB embeds the sources), referenced by a fresh console project outside the repository (so none of the
/// repository's build files apply), built and run: a forward pass of vgnetg_1_0mp.
/// </summary>
public class PackageConsumerTests
{
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
    private static List<string> EmbeddedSources(string snupkg)
    {
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        using var package = System.IO.Compression.ZipFile.OpenRead(snupkg);
        using var pdb = new MemoryStream();
        using (var entry = package.Entries.Single(e => e.FullName == "lib/net10.0/LeanNets.pdb").Open())
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

    [Fact]
    public void AFreshConsoleProjectReferencingThePackageRunsAModel()
    {
        using var dir = new TempFolder();
        string feed = Path.Combine(dir.Path, "feed"), consumer = Path.Combine(dir.Path, "consumer");
        // A version of its own, so NuGet's cache never hands back an older build of the package.
        string version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var (code, log) = Dotnet(RepositoryRoot.Path, "pack", RepositoryRoot.File("src", "LeanNets", "LeanNets.csproj"),
            "-c", "Release", "-o", feed, $"-p:Version={version}", "--disable-build-servers");
        Assert.True(code == 0, log);
        // IntelliSense's documentation travels in the package and the symbols beside it.
        using (var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"LeanNets.{version}.nupkg")))
            Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/LeanNets.xml");
        Assert.True(File.Exists(Path.Combine(feed, $"LeanNets.{version}.snupkg")), "no symbol package");
        Assert.Contains("ModelCard.cs", EmbeddedSources(Path.Combine(feed, $"LeanNets.{version}.snupkg")));

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
                <PackageReference Include="LeanNets" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><add key="local" value="{feed}" /></packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using LeanNets.Models;
            using LeanNets.Runtime;
            using static TorchSharp.torch;

            LeanRuntime.Initialize();
            using var model = ModelRegistry.Create("vgnetg_1_0mp");
            model.eval();
            using var logits = model.call(randn(1, 3, 224, 224));
            Console.WriteLine($"logits {string.Join("x", logits.shape)}, {model.NumFeatures} features");
            """);
        (code, log) = Dotnet(consumer, "run", "-c", "Release", "--disable-build-servers");
        Assert.True(code == 0, log);
        Assert.Contains("logits 1x1000, 368 features", log);
    }
}
