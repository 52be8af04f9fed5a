// Grad-CAM of a classifier on a photo, written as the heat map blended over the image the model saw.
// Usage: GradCamOverlay IMAGE OUT.png [MODEL [WEIGHTS]]   (default vgnetg_1_0mp with its initial weights)
using System.Globalization;
using LeanNets.Analysis.Attribution;
using LeanNets.Data;
using LeanNets.Loading;
using LeanNets.Reports.Viz;
using LeanNets.Runtime;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
LeanRuntime.Initialize();

if (args.Length is < 2 or > 4)
{
    Console.Error.WriteLine("usage: GradCamOverlay IMAGE OUT.png [MODEL [WEIGHTS]]");
    return 2;
}
string image = args[0], output = args[1];
// A registry name alone gives its initial weights; WEIGHTS (a run's checkpoint, a .safetensors or .pth file)
// brings the trained ones with their input size, normalisation and class names.
using var loaded = LoadedModel.Open(args.Length > 2 ? args[2] : "vgnetg_1_0mp", args.Length > 3 ? args[3] : null);
// The photo resized and normalised as the model's data config says; Rgb holds the same pixels for drawing.
var input = ImageInput.Load(image, loaded.Data);
using var batch = input.ToBatch();
using var cam = GradCam.Compute(loaded.Model, batch); // the top class, at the last stage
ActivationImages.SaveOverlay(output, input.Rgb, input.Size, cam.Heatmap);
Console.WriteLine($"{loaded.Label}: explained its top class '{loaded.ClassNames[cam.TargetClass]}' "
    + $"(#{cam.TargetClass}, logit {cam.Score:F3})");
Console.WriteLine($"wrote {output} ({input.Size}x{input.Size})");
return 0;
