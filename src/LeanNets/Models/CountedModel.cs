using LeanNets.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>Any model LeanNets knows by name (`models`, `info`, the paper tables, `bench`): a registry classifier
/// or a detector, with the task it does.</summary>
public sealed record CountedModel(
    string Name,
    string Task,
    string Family,
    string Paper,
    InputShape DefaultInput,
    int DefaultClasses
)
{
    // The task names of the model card, so a listing and a file name a task alike.
    public const string Classify = ModelCard.Classify;
    public const string Detect = ModelCard.Detect;

    /// <summary>The family id of every detector (the `--family` the listing filters on).</summary>
    public const string DetectorFamily = "yolov3";

    /// <summary>Every classifier, then every detector, in registration order.</summary>
    public static IReadOnlyList<CountedModel> All() =>
        [
            .. ModelRegistry.List().Select(Of),
            .. DetectorRegistry.List().Select(Of),
        ];

    public static CountedModel Get(string name) =>
        DetectorRegistry.Contains(name) ? Of(DetectorRegistry.Get(name)) : Of(ModelRegistry.Get(name));

    /// <summary>Refuses an input the model cannot take before it is run: a detector's is square, a multiple of
    /// its coarsest stride (32).</summary>
    public void RequireInput(InputShape input)
    {
        if (Task != Detect)
            return;
        if (input.Height != input.Width)
            throw new LeanNetsUsageException($"{Name} takes a square input, got {input}");
        YoloLayout.RequireInputSize(input.Height);
    }

    public nn.Module<Tensor, Tensor> Create(int? numClasses = null, int? inChannels = null) =>
        Task == Detect
            ? DetectorRegistry.Get(Name).Create(numClasses, inChannels)
            : ModelRegistry.Create(Name, numClasses, inChannels);

    private static CountedModel Of(ModelSpec spec) =>
        new(spec.Name, Classify, spec.Family.Id(), spec.Paper.Id(), spec.DefaultInput, spec.DefaultClasses);

    private static CountedModel Of(DetectorSpec spec) =>
        new(spec.Name, Detect, DetectorFamily, spec.Paper.Id(), spec.DefaultInput, spec.DefaultClasses);
}
