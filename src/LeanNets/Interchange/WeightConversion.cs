using LeanNets.Models;

namespace LeanNets.Interchange;

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
        var (model, report) = Load(request);
        using var _ = model;
        using var state = WeightLoader.Export(model, request.Model, request.OutputNames);
        WeightFile.Write(request.Output, state);
        return report;
    }

    private static (Classifier, LoadReport) Load(ConvertRequest r)
    {
        if (WeightFormats.FromExtension(r.Input) != WeightFormat.Checkpoint)
            return WeightImport.CreateModel(r.Input, r.Model, r.Classes, r.InChannels, r.Strict, r.InputNames);
        var (model, _) = Training.ModelLoader.FromCheckpoint(r.Input, r.Model);
        int tensors = model.state_dict().Count;
        return (model, new LoadReport("LeanNets", tensors, [], [], [], 0));
    }
}
