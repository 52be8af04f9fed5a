using System.Globalization;
using LeanNets.Data;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Training.Tasks;

/// <summary>
/// Image classification: IDX, CIFAR or image-folder data (<see cref="DataSource"/>), a registry classifier,
/// cross-entropy with label smoothing; scored by test top-1.
/// </summary>
public sealed class ClassificationTask : ITrainingTask
{
    public const string TrainTop1 = "train_top1",
        TestLoss = "test_loss",
        TestTop1 = "test_top1",
        TestTop5 = "test_top5";

    private readonly IImageDataset train, test;
    private readonly BatchLoader trainLoader, testLoader;

    internal ClassificationTask(TrainOptions options)
    {
        var (format, trainSet, testSet) = DataSource.LoadPair(options.Data, options.SkipBad, options.LimitTrain,
            options.LimitTest);
        (train, test) = (trainSet, testSet);
        int classes = options.Classes ?? train.NumClasses;
        if (classes != train.NumClasses)
            throw new LeanNetsUsageException($"{classes} classes asked for but the data has {train.NumClasses}");
        if (options.InChannels is int channels && channels != train.Channels)
            throw new LeanNetsUsageException($"{channels} input channels asked for but the data has {train.Channels}");
        Input = DataConfig.Resolve(format, train, options.InputSize, options.Augment, options.Pad, options.Flip,
            ModelRegistry.Get(options.Model).DefaultInput.Height);
        // The starting weights' normalisation, recorded in the options below so a resume needs no file.
        if (FineTuning.StartingNormalisation(options, train.Channels) is (var mean, var std, var note))
        {
            Input = Input with { Mean = mean, Std = std };
            if (note != null)
                Notes = [note];
        }
        Options = options with
        {
            Classes = classes,
            InChannels = train.Channels,
            InputSize = Input.InputSize,
            Mean = options.InitFrom != null ? Input.Mean : null,
            Std = options.InitFrom != null ? Input.Std : null,
        };
        trainLoader = new BatchLoader(train, Input.TrainTransform(), options.BatchSize, true, options.Seed,
            options.Prefetch);
        testLoader = new BatchLoader(test, Input.EvalTransform(), options.BatchSize, false, options.Seed,
            options.Prefetch);
    }

    /// <summary>The defaults of a classifier run (the "default" recipe on top of them).</summary>
    public static TrainOptions Defaults(string model, string data) => WithRecipe(model, data, "default", null);

    /// <summary>A classifier run with a recipe: it sees the batch size first (some scale the learning rate with
    /// it) and sets everything else it names over <see cref="TrainOptions"/>' own defaults.</summary>
    public static TrainOptions WithRecipe(string model, string data, string recipe, int? batchSize)
    {
        var bare = new TrainOptions { Model = model, Data = data };
        return Recipes.Apply(recipe, bare with { BatchSize = batchSize ?? bare.BatchSize });
    }

    public static nn.Module<Tensor, Tensor> Create(TrainOptions o) =>
        ModelRegistry.Create(o.Model, o.Classes, o.InChannels);

    public TrainOptions Options { get; }
    public IReadOnlyList<string> Notes { get; } = [];
    public IReadOnlyList<string> ClassNames => train.ClassNames;
    public DataConfig Input { get; }
    public int BatchesPerEpoch => trainLoader.BatchesPerEpoch;
    public int SkippedImages => DataSource.SkippedImages(train) + DataSource.SkippedImages(test);

    public nn.Module<Tensor, Tensor> CreateModel() => Create(Options);

    public string InitializeFrom(nn.Module<Tensor, Tensor> model, string path) =>
        FineTuning.InitializeFrom(model, Options.Model, path, Classifier.IsClassDependent).Describe();

    public IEnumerable<ITrainingBatch> Epoch(int epoch, CancellationToken cancel) =>
        trainLoader.Epoch(epoch, cancel).Select(b => new LabelledBatch(b));

    public BatchLoss Loss(nn.Module<Tensor, Tensor> model, ITrainingBatch batch)
    {
        var labelled = ((LabelledBatch)batch).Batch;
        var (x, y) = labelled.ToTensors();
        var logits = model.call(x);
        var loss = nn.functional.cross_entropy(logits, y, label_smoothing: Options.LabelSmoothing);
        double top1 = (double)Metrics.CorrectTopK(logits, y, 1)[0] / labelled.Count;
        return new BatchLoss(loss, [(TrainTop1, top1)]);
    }

    public TaskEvaluation Evaluate(nn.Module<Tensor, Tensor> model, int epoch)
    {
        var result = Evaluator.Evaluate(model, testLoader, epoch);
        return new TaskEvaluation(
            [(TestLoss, result.Loss), (TestTop1, result.Top1), (TestTop5, result.Top5)], result.Top1, result);
    }

    public Tensor SampleImages()
    {
        var sample = new BatchLoader(train, Input.TrainTransform(), Math.Min(16, train.Count), false, Options.Seed, 0)
            .Epoch(0).First();
        var (images, labels) = sample.ToTensors();
        labels.Dispose();
        return images;
    }

    public string Describe(EpochMetrics m) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}: train loss {m.TrainLoss:F4} top-1 {100 * m[TrainTop1]:F2}% | "
                + $"test loss {m[TestLoss]:F4} top-1 {100 * m[TestTop1]:F2}%"
                + $"{(ClassNames.Count > 5 ? $" top-5 {100 * m[TestTop5]:F2}%" : "")}"
                + $"{(m.EmaScore is double e ? $" EMA {100 * e:F2}%" : "")} | {m.Seconds:F0}s"
        );

    public void Dispose() { }

    private sealed class LabelledBatch(Batch batch) : ITrainingBatch
    {
        public Batch Batch => batch;
        public int Count => batch.Count;

        public void Dispose() { }
    }
}
