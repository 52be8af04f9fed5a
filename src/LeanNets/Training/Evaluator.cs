using System.Diagnostics;
using LeanNets.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Training;

/// <summary>Accuracy of a model over a dataset: top-1, top-5, loss, per class, confusion matrix, speed.</summary>
public sealed record EvalResult(
    long Images,
    double Loss,
    double Top1,
    double Top5,
    double[] PerClassAccuracy,
    long[,] Confusion,
    double ImagesPerSecond,
    IReadOnlyList<string> ClassNames
);

public static class Evaluator
{
    public static EvalResult Evaluate(nn.Module<Tensor, Tensor> model, BatchLoader loader, int epoch = 0)
    {
        int classes = loader.Dataset.NumClasses;
        var confusion = new long[classes, classes];
        long images = 0,
            top1 = 0,
            top5 = 0;
        double lossSum = 0;
        bool wasTraining = model.training;
        model.eval();
        var clock = Stopwatch.StartNew();
        try
        {
            using var _ = no_grad();
            foreach (var batch in loader.Epoch(epoch))
            {
                using var scope = NewDisposeScope();
                var (x, y) = batch.ToTensors();
                var logits = model.call(x);
                if (logits.shape[1] != classes)
                    throw new LeanNetsException(
                        $"the model has {logits.shape[1]} outputs but the data has {classes} classes"
                    );
                float loss = nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                // Finite weights can still overflow an activation: a NaN here would silently become a wrong
                // accuracy (argmax of NaN) and a report JSON cannot hold.
                if (!float.IsFinite(loss))
                    throw new LeanNetsException(
                        $"the model's outputs are not finite (NaN or infinity) for images {images}.."
                            + $"{images + batch.Count - 1}: an activation overflowed; check the weights and the input"
                            + " normalisation"
                    );
                lossSum += loss;
                var correct = Metrics.CorrectTopK(logits, y, 1, 5);
                top1 += correct[0];
                top5 += correct[1];
                var predicted = logits.argmax(1).data<long>().ToArray();
                for (int i = 0; i < batch.Count; i++)
                    confusion[batch.Labels[i], predicted[i]]++;
                images += batch.Count;
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var perClass = Enumerable
            .Range(0, classes)
            .Select(c =>
            {
                long total = Enumerable.Range(0, classes).Sum(p => confusion[c, p]);
                return total == 0 ? double.NaN : (double)confusion[c, c] / total;
            })
            .ToArray();
        return new EvalResult(
            images,
            lossSum / Math.Max(1, images),
            (double)top1 / Math.Max(1, images),
            (double)top5 / Math.Max(1, images),
            perClass,
            confusion,
            images / Math.Max(seconds, 1e-9),
            loader.Dataset.ClassNames
        );
    }
}
