using LeanNets.Models;

namespace LeanNets.Interchange;

/// <summary>Registry models built from PyTorch or safetensors weight files.</summary>
public static class WeightImport
{
    private const string ClassifierWeight = "head.fc.weight";

    /// <summary>
    /// Builds <paramref name="modelName"/> sized like the file (classes from its classifier, input channels from
    /// its first convolution) unless told otherwise, and loads the file into it.
    /// </summary>
    public static (Classifier Model, LoadReport Report) CreateModel(
        string path,
        string modelName,
        int? classes = null,
        int? inChannels = null,
        bool strict = true,
        WeightNaming naming = WeightNaming.Auto
    )
    {
        bool onnx = OnnxWeights.IsOnnx(path);
        var model = ModelRegistry.Create(modelName, classes, inChannels);
        // An ONNX file's tensors are named after the model they are matched to, so it is read once the model is
        // built (and again if the model is rebuilt for the file's sizes).
        StateDict Read(Classifier m) =>
            onnx ? OnnxWeights.Map(path, m, modelName) : WeightFile.Read(path);
        StateDict? file = null;
        try
        {
            file = Read(model);
            // Tensor names do not depend on the sizes, so the model built first tells which sizes the file has;
            // it is rebuilt only when they differ.
            var (fileClasses, fileChannels) = SizesIn(file, model, modelName, onnx ? WeightNaming.LeanNets : naming);
            bool otherClasses = classes == null && fileClasses is int c && c != model.NumClasses;
            bool otherChannels = inChannels == null && fileChannels is int ch && ch != model.InChannels;
            if (otherClasses || otherChannels)
            {
                model.Dispose();
                model = ModelRegistry.Create(modelName, classes ?? fileClasses, inChannels ?? fileChannels);
                if (onnx)
                {
                    file.Dispose();
                    file = null;
                    file = Read(model);
                }
            }
            var names = onnx ? WeightNaming.LeanNets : naming;
            return (model, WeightLoader.Load(model, modelName, file, path, strict, names));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>The class count and input channels the file's tensors imply (null where it does not say).</summary>
    private static (int? Classes, int? Channels) SizesIn(
        StateDict file,
        Classifier model,
        string modelName,
        WeightNaming naming
    )
    {
        var own = model.state_dict();
        if (naming == WeightNaming.Auto)
            naming = WeightNames.Detect(modelName, own.Keys, file);
        var map = WeightNames.Map(modelName, own.Keys, naming);
        int? classes = file.Tensors.TryGetValue(map[ClassifierWeight], out var fc) && fc.dim() == 2
            ? (int)fc.shape[0]
            : null;
        string firstConv = own.First(p => p.Value.dim() == 4).Key;
        int? channels = file.Tensors.TryGetValue(map[firstConv], out var conv) && conv.dim() == 4
            ? (int)conv.shape[1]
            : null;
        bool plausible = classes is null or (> 0 and <= ModelRegistry.MaxClasses)
            && channels is null or (> 0 and <= InputShape.MaxChannels);
        return plausible ? (classes, channels) : (null, null);
    }
}
