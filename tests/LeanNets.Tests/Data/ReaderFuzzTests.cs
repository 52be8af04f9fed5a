using CsCheck;
using LeanNets.Data;
using LeanNets.Training;

namespace LeanNets.Tests.Data;

/// <summary>
/// Every reader on mutated files (bytes changed, cut short, inserted): it either reads the file or reports a
/// LeanNets error naming the problem; it never crashes with another exception.
/// </summary>
public class ReaderFuzzTests
{
    private const int Iterations = 150;

    private static readonly Gen<(int Kind, int Position, byte Value, int Count)> Mutation = Gen.Select(
        Gen.Int[0, 2],
        Gen.Int[0, int.MaxValue],
        Gen.Byte,
        Gen.Int[1, 8]
    );

    private static byte[] Mutate(byte[] original, (int Kind, int Position, byte Value, int Count) m)
    {
        var bytes = original.ToList();
        int at = m.Position % Math.Max(1, bytes.Count);
        switch (m.Kind)
        {
            case 0:
                for (int i = 0; i < m.Count && at + i < bytes.Count; i++)
                    bytes[at + i] ^= (byte)(m.Value | 1);
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            default:
                bytes.InsertRange(at, Enumerable.Repeat(m.Value, m.Count));
                break;
        }
        return [.. bytes];
    }

    /// <summary>Runs <paramref name="read"/> on mutations of <paramref name="file"/>; only LeanNets errors may
    /// escape.</summary>
    private static int Fuzz(string file, Action read)
    {
        var original = File.ReadAllBytes(file);
        int failures = 0;
        Mutation.Sample(
            m =>
            {
                File.WriteAllBytes(file, Mutate(original, m));
                try
                {
                    read();
                }
                catch (LeanNetsException)
                {
                    failures++;
                }
            },
            iter: Iterations,
            threads: 1
        );
        File.WriteAllBytes(file, original);
        return failures;
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz")]
    [InlineData("train-labels-idx1-ubyte.gz")]
    public void IdxFiles(string name)
    {
        using var dir = new TempFolder();
        SyntheticData.WriteToyIdx(dir.Path, 8, 4);
        int failures = Fuzz(Path.Combine(dir.Path, name), () => IdxReader.LoadSplit(dir.Path, train: true));
        Assert.True(failures > 0, "mutations were detected");
    }

    [Fact]
    public void CifarFiles()
    {
        using var dir = new TempFolder();
        var rng = new Random(1);
        var record = new byte[1 + 3072];
        using (var file = File.Create(dir.File("test_batch.bin")))
        {
            for (int i = 0; i < 4; i++)
            {
                rng.NextBytes(record);
                record[0] = (byte)(i % 10);
                file.Write(record);
            }
        }
        int failures = Fuzz(dir.File("test_batch.bin"), () => CifarReader.LoadSplit(dir.Path, train: false));
        Assert.True(failures > 0);
    }

    [Fact]
    public void ImageFolderFiles()
    {
        using var dir = new TempFolder();
        string cls = Path.Combine(dir.Path, "a");
        Directory.CreateDirectory(cls);
        SyntheticData.WritePng(Path.Combine(cls, "0.png"), 12, 10, SkiaSharp.SKColors.Coral);
        var data = new ImageFolderDataset(dir.Path);
        int failures = Fuzz(Path.Combine(cls, "0.png"), () => data.Get(0));
        Assert.True(failures > 0);
    }

    [Fact]
    public void Checkpoints()
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data");
        SyntheticData.WriteToyIdx(data, 16, 8);
        var run = Trainer.Run(
            Training.ResumeTests.Tiny(data, 1) with
            {
                Model = "mobilenetv1_cifar_dualconv_g32",
                EmaDecay = 0,
            },
            Path.Combine(dir.Path, "run")
        );
        string checkpoint = Path.Combine(run.RunDirectory, Trainer.LastCheckpoint);
        int failures = Fuzz(checkpoint, () => Checkpoint.LoadModel(checkpoint).Model.Dispose());
        Assert.True(failures > Iterations / 2, $"only {failures} of {Iterations} mutations detected");
    }
}
