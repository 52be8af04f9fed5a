using LeanNets.Data;
using LeanNets.Inference;
using LeanNets.Interchange;
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
        var (model, modelName, data) = WeightFormats.IsForeign(request.Checkpoint)
            ? FromWeights(request, format, test)
            : FromCheckpoint(request, format, test);
        using var _ = model;
        var loader = new BatchLoader(test, data.EvalTransform(), request.BatchSize, false, 0);
        // ONNX Runtime evaluates the model's export (BN folded), built in memory at the data's input size.
        using var onnx = request.Engine == EngineKind.OnnxRuntime
            ? new EngineModule(OnnxRuntimeSession.ForModel(model, data.InputSize, data.Channels))
            : null;
        var result = onnx == null ? Evaluator.Evaluate(model, loader) : Evaluator.Evaluate(onnx, loader);
        return new EvalReport(
            modelName,
            request.Checkpoint,
            request.Data,
            result,
            DataSource.SkippedImages(test)
        );
    }

    /// <summary>A trained checkpoint, evaluated with the data configuration it was trained with.</summary>
    private static (Models.Classifier, string, DataConfig) FromCheckpoint(
        EvalRequest request,
        DataFormat format,
        IImageDataset test
    )
    {
        var saved = Checkpoint.ReadState(request.Checkpoint).Options;
        if (saved.Classes is int trained && test.NumClasses != trained)
            throw new LeanNetsUsageException(
                $"the data has {test.NumClasses} classes but the checkpoint was trained for {trained}"
            );
        if (saved.InChannels is int channels && test.Channels != channels)
            throw new LeanNetsUsageException(
                $"the data has {test.Channels} channels but the checkpoint was trained on {channels}"
            );
        var (model, state) = Loading.LoadedModel.ClassifierFrom(request.Checkpoint, request.ExpectedModel);
        var data = DataConfig.Resolve(format, test, state.Options.InputSize, state.Options.Augment, 0, false,
            Models.ModelRegistry.Get(state.Options.Model).DefaultInput.Height);
        return (model, state.Options.Model, data);
    }

    /// <summary>PyTorch or safetensors weights: the model is sized by the data; inputs are made as the file's
    /// model card says (LeanNets writes one), else (e.g. from python/train_ddp.py) at the data's own size with its
    /// format's normalisation, as LeanNets trains by default.</summary>
    private static (Models.Classifier, string, DataConfig) FromWeights(
        EvalRequest request,
        DataFormat format,
        IImageDataset test
    )
    {
        string name = request.ExpectedModel
            ?? throw new LeanNetsUsageException($"{request.Checkpoint}: name the model the weights are for");
        var card = WeightFile.ReadCard(request.Checkpoint);
        card?.Require(name, Models.ModelCard.Classify, request.Checkpoint);
        var (model, _) = WeightImport.CreateModel(request.Checkpoint, name, test.NumClasses, test.Channels);
        var data = card != null && card.Input.Channels == test.Channels
            ? DataConfig.FromCard(card)
            : DataConfig.Resolve(format, test, 0, Augmentation.None, 0, false,
                Models.ModelRegistry.Get(name).DefaultInput.Height);
        return (model, name, data);
    }
}
