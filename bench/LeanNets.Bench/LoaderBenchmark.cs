using System.Diagnostics;
using System.Globalization;
using LeanNets.Data;
using LeanNets.IO;
using LeanNets.Models;
using LeanNets.Training;
using TorchSharp;

namespace LeanNets.Bench;

/// <summary>
/// Training throughput on Fashion-MNIST with batches prepared on the training thread vs in the background,
/// and the per-image cost of decoding and augmenting JPEG/PNG files (the ImageFolder path).
/// </summary>
public static class LoaderBenchmark
{
    public static int Run(string[] args)
    {
        BenchProgram.InitializeRuntime();
        string model = args.Length > 0 ? args[0] : "vgnetg_1_0mp_cifar";
        int batches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var data = DataSource.Load(BundledData.FashionMnist().Folder, train: true);
        var results = new List<object>();
        foreach (int prefetch in new[] { 0, 4 })
        {
            var loader = new BatchLoader(
                data,
                new DataConfig(
                    28,
                    1,
                    ImageTransform.FashionMnistMean,
                    ImageTransform.FashionMnistStd,
                    Augmentation.None,
                    2,
                    true
                ).TrainTransform(),
                128,
                true,
                0,
                prefetch
            );
            double rate = TrainImagesPerSecond(model, loader, batches);
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{model} training, prefetch {prefetch}: {rate,7:F1} img/s"
                )
            );
            results.Add(
                new
                {
                    benchmark = "train",
                    model,
                    prefetch,
                    batches,
                    images_per_second = rate,
                }
            );
        }
        foreach (
            var (format, encode) in new[]
            {
                ("png", SkiaSharp.SKEncodedImageFormat.Png),
                ("jpeg", SkiaSharp.SKEncodedImageFormat.Jpeg),
            }
        )
        {
            double ms = DecodeMilliseconds(encode, 200);
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"decode + ImageNet train transform of a 500x375 {format}: {ms:F2} ms/image on one thread"
                )
            );
            results.Add(
                new
                {
                    benchmark = "decode",
                    format,
                    width = 500,
                    height = 375,
                    ms_per_image = ms,
                }
            );
        }
        string path = BenchProgram.ResultsPath("loader.json");
        JsonFile.Write(path, results);
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static double TrainImagesPerSecond(string model, BatchLoader loader, int batches)
    {
        using var net = ModelRegistry.Create(model, 10, 1);
        var options = new TrainOptions { Model = model, Data = "" };
        using var optimizer = new Optimizer(net, options);
        net.train();
        long images = 0;
        var clock = new Stopwatch();
        int seen = 0;
        foreach (var batch in loader.Epoch(0))
        {
            if (seen == 3)
                clock.Start(); // after warm-up
            using (var scope = torch.NewDisposeScope())
            {
                // One step as the training engine takes it: forward, cross-entropy, backward, update.
                var (x, y) = batch.ToTensors();
                var loss = torch.nn.functional.cross_entropy(net.call(x), y);
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step(options.LearningRate);
            }
            if (seen >= 3)
                images += batch.Count;
            if (++seen == batches + 3)
                break;
        }
        return images / clock.Elapsed.TotalSeconds;
    }

    private static double DecodeMilliseconds(SkiaSharp.SKEncodedImageFormat format, int count)
    {
        string dir = Directory.CreateTempSubdirectory("leannets-decode-").FullName;
        try
        {
            string file = Path.Combine(dir, "image");
            using (var bitmap = new SkiaSharp.SKBitmap(500, 375))
            {
                var rng = new Random(1);
                for (int y = 0; y < 375; y++)
                    for (int x = 0; x < 500; x++)
                        bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)(x / 2), (byte)(y / 2), (byte)rng.Next(256)));
                using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
                using var encoded = image.Encode(format, 90);
                File.WriteAllBytes(file, encoded.ToArray());
            }
            var transform = new DataConfig(
                224,
                3,
                ImageTransform.ImageNetMean,
                ImageTransform.ImageNetStd,
                Augmentation.ImageNet,
                0,
                true
            ).TrainTransform();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                var pixels =
                    ImageFolderDataset.TryDecode(file, out int h, out int w)
                    ?? throw new InvalidOperationException("decode failed");
                transform.Apply(new ImageSample(pixels, 3, h, w, 0), new Random(i));
            }
            return clock.Elapsed.TotalMilliseconds / count;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
