using LeanNets.Interchange;
using LeanNets.Models;
using LeanNets.Training;
using static TorchSharp.torch;

namespace LeanNets.Loading;

/// <summary>What <c>leannets convert</c> does: weights in one file and naming, out in another.</summary>
public sealed record ConvertRequest(
    string Model,
    string Input,
    string Output,
    WeightNaming InputNames = WeightNaming.Auto,
    WeightNaming OutputNames = WeightNaming.LeanNets,
    bool Strict = true,
    int? Classes = null,
    int? InChannels = null
);

public static class WeightConversion
{
    /// <summary>
    /// Loads the input into the registry model (so every tensor is checked against the architecture) and writes
    /// the model's weights. A LeanNets checkpoint gives its trained weights; the output is .pth or .safetensors.
    /// </summary>
    public static LoadReport Convert(ConvertRequest request)
    {
        WeightFile.RequireWritable(request.Output);
        if (Path.GetFullPath(request.Input) == Path.GetFullPath(request.Output))
            throw new LeanNetsUsageException("the output would overwrite the input; name another file");
        var (model, report, card) = Load(request);
        using var _ = model;
        using var state = WeightLoader.Export(model, request.Model, request.OutputNames);
        WeightFile.Write(request.Output, state, card);
        return report;
    }

    /// <summary>The model with the input's weights and the card the output carries: the input's own (a
    /// checkpoint's run, or a LeanNets weight file's card). A file from elsewhere gets none: a card invented from
    /// the registry would fix a normalisation the weights were perhaps not trained with (a CIFAR run of the
    /// PyTorch twin), where without one each command makes inputs as for that data.</summary>
    private static (nn.Module<Tensor, Tensor>, LoadReport, ModelCard?) Load(ConvertRequest r)
    {
        if (WeightFormats.FromExtension(r.Input) != WeightFormat.Checkpoint)
        {
            var shipped = WeightFile.ReadCard(r.Input);
            shipped?.Require(r.Model, ModelCard.Classify, r.Input);
            var (imported, report) = WeightImport.CreateModel(
                r.Input, r.Model, r.Classes, r.InChannels, r.Strict, r.InputNames);
            var card = shipped != null
                && shipped.ClassNames.Count == imported.NumClasses
                && shipped.Input.Channels == imported.InChannels
                    ? shipped
                    : null;
            return (imported, report, card);
        }
        // A run's checkpoint of any task: its card comes from the run, and so do its classes and channels.
        if (r.Classes != null || r.InChannels != null)
            throw new LeanNetsUsageException(
                $"{r.Input} is a run's checkpoint: it knows its classes and channels (--classes and --in-channels "
                    + "are for weight files)");
        var (model, state) = Checkpoint.LoadModel(r.Input, r.Model);
        int tensors = model.state_dict().Count;
        return (model, new LoadReport("LeanNets", tensors, [], [], [], 0), state.Card());
    }
}
