using System.Threading.Channels;
using static TorchSharp.torch;

namespace LeanNets.Data;

/// <summary>One batch ready for the model: normalised pixels (N, C, H, W) and labels.</summary>
public sealed record Batch(float[] Pixels, long[] Labels, int Count, int Channels, int Size)
{
    /// <summary>The images as an (N, C, H, W) tensor and the labels as a (N) tensor, in the current dispose
    /// scope.</summary>
    public (Tensor Images, Tensor Labels) ToTensors() =>
        (tensor(Pixels, [Count, Channels, Size, Size]), tensor(Labels));
}

/// <summary>
/// Produces an epoch's batches on background threads, at most <c>prefetch</c> batches ahead of the
/// consumer, in a fixed order. Sample order and augmentation derive only from (seed, epoch, index),
/// so an epoch repeats exactly whatever the thread timing, and a resumed run sees the same data.
/// </summary>
public sealed class BatchLoader(
    IImageDataset dataset,
    ImageTransform transform,
    int batchSize,
    bool shuffle,
    long seed,
    int prefetch = 4
)
{
    public IImageDataset Dataset => dataset;
    public int BatchesPerEpoch => (dataset.Count + batchSize - 1) / batchSize;

    /// <summary>The sample order of one epoch.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        if (shuffle)
            new Random(StableSeed.Mix(seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>The batches of one epoch; with prefetch 0 they are built on the calling thread.</summary>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancel = default)
    {
        var order = Order(epoch);
        if (prefetch <= 0)
        {
            for (int b = 0; b < BatchesPerEpoch; b++)
                yield return Build(order, epoch, b);
            yield break;
        }
        var queue = Channel.CreateBounded<Task<Batch>>(
            new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true }
        );
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    for (int b = 0; b < BatchesPerEpoch && !cancel.IsCancellationRequested; b++)
                    {
                        int index = b;
                        await queue.Writer.WriteAsync(Task.Run(() => Build(order, epoch, index), cancel), cancel);
                    }
                }
                catch (OperationCanceledException) { }
                finally
                {
                    queue.Writer.Complete();
                }
            },
            cancel
        );
        var reader = queue.Reader;
        while (reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var next))
                yield return next.GetAwaiter().GetResult();
        }
        producer.GetAwaiter().GetResult();
    }

    private Batch Build(int[] order, int epoch, int batchIndex)
    {
        int start = batchIndex * batchSize,
            count = Math.Min(batchSize, order.Length - start);
        int channels = dataset.Channels,
            sampleSize = channels * transform.Size * transform.Size;
        var pixels = new float[count * sampleSize];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int index = order[start + i];
            var sample = dataset.Get(index);
            var rng = new Random(StableSeed.Mix(seed, epoch, index));
            transform.Apply(sample, rng).CopyTo(pixels, i * sampleSize);
            labels[i] = sample.Label;
        }
        return new Batch(pixels, labels, count, channels, transform.Size);
    }
}
