// Fine-tunes a classifier from PyTorch weights on an image folder (DATA/train/CLASS/*, DATA/val/CLASS/*): a
// torchvision state dict saved with torch.save (torchvision's tensor names are recognised), a LeanNets or
// safetensors file, or an ONNX file all start the same way. The head is new (the data's classes); the stem is
// frozen and the rest of the backbone learns at a tenth of the head's rate.
// Usage: FineTune WEIGHTS DATA OUT_DIR [MODEL]   (MODEL defaults to mobilenetv2_100, torchvision's mobilenet_v2)
using System.Globalization;
using LeanNets.Runtime;
using LeanNets.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: FineTune WEIGHTS DATA OUT_DIR [MODEL]");
    return 2;
}
var options = TrainingTasks.Defaults(args.Length == 4 ? args[3] : "mobilenetv2_100", args[1]) with
{
    InitFrom = args[0],
    Freeze = "stem",
    BackboneLrScale = 0.1,
    Epochs = 1,
    BatchSize = 16,
    InputSize = 32,
    LearningRate = 0.01,
};
var result = Trainer.Run(options, Path.Combine(args[2], "run"), [new Report()]);
Console.WriteLine($"done: best score {result.State.BestScore:F3}, weights in {result.RunDirectory}");
return 0;

/// <summary>Says what the file gave the model and how each epoch went.</summary>
internal sealed class Report : ITrainingObserver
{
    public void OnStart(TrainingStart start)
    {
        Console.WriteLine($"{start.State.Options.Model} from {start.InitializedFrom}");
        foreach (string note in start.Notes)
            Console.WriteLine(note);
    }

    public void OnEpoch(EpochEnd end) => Console.WriteLine(end.Summary);
}
