using LeanNets.Data;
using LeanNets.Loading;
using LeanNets.Training;

namespace LeanNets.Inference;

/// <summary>What to evaluate: a checkpoint on a dataset's evaluation split.</summary>
public sealed record EvalRequest(
    string Checkpoint,
    string Data,
    string? ExpectedModel = null,
    int BatchSize = 256,
    int Limit = 0,
    bool SkipBad = false,
    EngineKind Engine = EngineKind.TorchSharp
);

/// <summary>An evaluation with what it was run on, as eval.json records it.</summary>
public sealed record EvalReport(string Model, string Checkpoint, string Data, EvalResult Result, int SkippedImages);

/// <summary>Evaluates a trained checkpoint with the data configuration it was trained with.</summary>
public static class CheckpointEvaluation
{
    public static EvalReport Run(EvalRequest request)
    {
        Bounds.Require(
            request.BatchSize is > 0 and <= TrainOptions.MaxBatchSize,
            "batch size",
            request.BatchSize,
            $"1..{TrainOptions.MaxBatchSize}"
        );
        Bounds.Require(request.Limit >= 0, "image limit", request.Limit, ">= 0");
        var format = DataSource.Detect(request.Data);
        var test = DataSource.Load(request.Data, train: false, request.SkipBad, request.Limit, format);
        if (Loading.OnnxMetadata.IsOnnxFile(request.Checkpoint))
            return RunOnnx(request, test);
        using var loaded = LoadedModel.FromCheckpoint(request.Checkpoint, request.ExpectedModel);
        var model = loaded.Model;
        if (model.NumClasses != test.NumClasses)
            throw new LeanNetsUsageException(
                $"the data has {test.NumClasses} classes but {request.Checkpoint} was trained for {model.NumClasses}");
        if (model.InChannels != test.Channels)
            throw new LeanNetsUsageException(
                $"the data has {test.Channels} channels but {request.Checkpoint} was trained on {model.InChannels}");
        // Weights without a card (e.g. from python/train_ddp.py) are evaluated at the data's own size with its
        // format's normalisation, as LeanNets trains by default.
        var data = loaded.Recorded
            ? loaded.Data
            : DataConfig.Resolve(format, test, 0, Augmentation.None, 0, false, loaded.Data.InputSize);
        int batch = Math.Min(request.BatchSize, Math.Max(1, test.Count));
        Measures.MemoryEstimate.RequireFits(model, new Models.InputShape(data.Channels, data.InputSize,
            data.InputSize), batch, training: false);
        var loader = new BatchLoader(test, data.EvalTransform(), request.BatchSize, false, 0);
        // ONNX Runtime evaluates the model's export (BN folded), built in memory at the data's input size.
        using var onnx = request.Engine == EngineKind.OnnxRuntime
            ? new EngineModule(OnnxRuntimeSession.ForModel(model, data.InputSize, data.Channels))
            : null;
        var result = onnx == null ? Evaluator.Evaluate(model, loader) : Evaluator.Evaluate(onnx, loader);
        return new EvalReport(model.GetName(), request.Checkpoint, request.Data, result,
            DataSource.SkippedImages(test));
    }

    /// <summary>A classifier's ONNX file (float or int8) on ONNX Runtime, preprocessed as its card says.</summary>
    private static EvalReport RunOnnx(EvalRequest request, IImageDataset test)
    {
        Loading.OnnxMetadata.RefuseFileSettings(request.Checkpoint, null, request.Engine == EngineKind.TorchSharp);
        using var session = OnnxRuntimeSession.FromFile(request.Checkpoint);
        var (card, data) = Loading.OnnxMetadata.ReadClassifier(session.Metadata, request.Checkpoint);
        if (card.ClassNames.Count != test.NumClasses || card.Input.Channels != test.Channels)
            throw new LeanNetsUsageException($"the data has {test.NumClasses} classes of {test.Channels}-channel "
                + $"images but {request.Checkpoint} takes {card.Input.Channels} channels and gives "
                + $"{card.ClassNames.Count} classes");
        int batch = Math.Min(request.BatchSize, Math.Max(1, test.Count));
        Measures.MemoryEstimate.RequireFits(card, request.Checkpoint, batch);
        var loader = new BatchLoader(test, data.EvalTransform(), request.BatchSize, false, 0);
        using var engine = new EngineModule(session);
        return new EvalReport(card.Model, request.Checkpoint, request.Data, Evaluator.Evaluate(engine, loader),
            DataSource.SkippedImages(test));
    }
}
