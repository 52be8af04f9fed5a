// Trains a classifier on an image folder (DATA/train/CLASS/*.png and DATA/val/CLASS/*.png) for one epoch, with
// progress printed by an observer of its own. Without DATA it first writes a toy folder of circles and squares.
// Usage: TrainImageFolder OUT_DIR [DATA]   (the run goes to OUT_DIR/run)
using System.Globalization;
using LeanNets.Runtime;
using LeanNets.Training;
using SkiaSharp;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

if (args.Length is 0 or > 2)
{
    Console.Error.WriteLine("usage: TrainImageFolder OUT_DIR [DATA]");
    return 2;
}
string data = args.Length == 2 ? args[1] : Toy.Write(Path.Combine(args[0], "data"));
// The task's defaults (what `leannets train` starts from), then what this run changes. Image folders are resized
// to InputSize (0: the model's registry input).
var options = TrainingTasks.Defaults("vgnetg_1_0mp_cifar", data) with
{
    Epochs = 1,
    BatchSize = 16,
    InputSize = 32,
    LearningRate = 0.05,
};
// The run directory receives last.ckpt (to resume), best.ckpt and best.safetensors (weights + model card); the
// CLI's HTML report is an observer too (LeanNets.Reports.RunReport), added to the list like Progress.
var result = Trainer.Run(options, Path.Combine(args[0], "run"), [new Progress()]);
Console.WriteLine($"done: {result.State.CompletedEpochs} epoch, best score {result.State.BestScore:F3}");
Console.WriteLine($"weights: {Path.Combine(result.RunDirectory, Trainer.BestWeights)}");
return 0;

/// <summary>Prints the run's start, every second batch and each epoch's summary.</summary>
internal sealed class Progress : ITrainingObserver
{
    public void OnStart(TrainingStart start) =>
        Console.WriteLine($"training {start.State.Options.Model}: {start.Parameters:N0} params, "
            + $"{start.BatchesPerEpoch} batches per epoch, classes {string.Join(", ", start.State.ClassNames ?? [])}");

    public void OnBatch(BatchProgress p)
    {
        if (p.Batch % 2 == 0 || p.Batch == p.Batches)
            Console.WriteLine($"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:F3}");
    }

    public void OnEpoch(EpochEnd end) => Console.WriteLine(end.Summary);
}

/// <summary>A two-class image folder of white circles and squares at random places on dark backgrounds.</summary>
internal static class Toy
{
    public static string Write(string root)
    {
        var rng = new Random(0);
        foreach (var (split, count) in new[] { ("train", 48), ("val", 16) })
        {
            foreach (string shape in new[] { "circle", "square" })
            {
                string folder = Directory.CreateDirectory(Path.Combine(root, split, shape)).FullName;
                for (int i = 0; i < count / 2; i++)
                    Draw(shape, rng, Path.Combine(folder, $"{i:D3}.png"));
            }
        }
        return root;
    }

    private static void Draw(string shape, Random rng, string path)
    {
        using var surface = SKSurface.Create(new SKImageInfo(32, 32));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor((byte)rng.Next(60), (byte)rng.Next(60), (byte)rng.Next(60)));
        using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
        float size = 8 + rng.Next(8), x = rng.Next(32 - (int)size), y = rng.Next(32 - (int)size);
        if (shape == "circle")
            canvas.DrawOval(SKRect.Create(x, y, size, size), paint);
        else
            canvas.DrawRect(SKRect.Create(x, y, size, size), paint);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }
}
