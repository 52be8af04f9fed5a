using LeanNets.Analysis;
using LeanNets.Analysis.Attribution;
using LeanNets.Analysis.Features;
using LeanNets.Analysis.Kernels;
using LeanNets.Data;
using LeanNets.Inference;
using LeanNets.IO;
using LeanNets.Loading;
using LeanNets.Measures;
using static TorchSharp.torch;

namespace LeanNets.Reports.Viz;

/// <summary>
/// Looks inside one or more models and writes the report folder: index.html, viz.json and the PNGs it links
/// (kernel atlas, design advice, feature maps with adjacent-stage similarity, Grad-CAM / Grad-CAM++ / guided
/// backprop / guided Grad-CAM per image and class, and a side-by-side view when there are several models).
/// Every input is checked before anything is written; the folder appears complete or not at all.
/// </summary>
public static class VizReport
{
    public const string PageName = "index.html",
        JsonName = "viz.json";

    public static IReadOnlyList<SubjectFindings> Write(
        IReadOnlyList<LoadedModel> subjects,
        VizOptions options,
        string folder,
        IProgress<string>? progress = null
    )
    {
        Validate(subjects, options);
        var findings = new List<SubjectFindings>();
        AtomicDirectory.Write(
            folder,
            PageName,
            temp =>
            {
                for (int i = 0; i < subjects.Count; i++)
                {
                    progress?.Report($"[{i + 1}/{subjects.Count}] {subjects[i].Label}");
                    // Side by side means the same question: a model with the first one's classes explains the
                    // classes the first one predicted, not its own top guesses.
                    var shared = i > 0 && subjects[i].ClassNames.SequenceEqual(subjects[0].ClassNames)
                        ? findings[0].Images.Select(image => image.Attributions.Select(a => a.Class).ToList()).ToList()
                        : null;
                    findings.Add(Inspect(subjects[i], options, temp, $"s{i}", shared, progress));
                }
                string legend = Path.Combine(temp, HeatLegend);
                ColorMaps.SaveLegend(legend, ColorMaps.Turbo, "attribution (0 = none, 1 = most)");
                AtomicFile.WriteAllText(Path.Combine(temp, JsonName), JsonFile.Serialize(findings));
                AtomicFile.WriteAllText(Path.Combine(temp, PageName), VizPage.Html(findings, HeatLegend));
            }
        );
        return findings;
    }

    private const string HeatLegend = "legend-heat.png";

    private static void Validate(IReadOnlyList<LoadedModel> subjects, VizOptions options)
    {
        if (subjects.Count == 0)
            throw new LeanNetsUsageException("no model to look inside");
        if (options.Images.Count is 0 or > VizOptions.MaxImages)
            throw new LeanNetsUsageException($"give 1 to {VizOptions.MaxImages} images, got {options.Images.Count}");
        if (options.TopClasses < 1 || options.MaxKernelsPerLayer < 1)
            throw new LeanNetsUsageException("the class count and kernels per layer must be positive");
        foreach (var s in subjects)
        {
            // Grad-CAM runs a backward pass: one image costs what a training step of batch 1 does.
            Measures.MemoryEstimate.RequireFits(s.Model, new Models.InputShape(s.Data.Channels, s.Data.InputSize,
                s.Data.InputSize), 1);
            s.Model.ResolveStages(options.FeatureStages);
            s.Model.ResolveStages([options.CamStage]);
            if (options.TargetClass is int c && (c < 0 || c >= s.Model.NumClasses))
                throw new LeanNetsUsageException(
                    $"target class {c} is out of range for {s.Label} (0..{s.Model.NumClasses - 1})"
                );
            foreach (var image in options.Images)
                ImageInput.Load(image, s.Data);
        }
    }

    private static SubjectFindings Inspect(
        LoadedModel subject,
        VizOptions options,
        string folder,
        string prefix,
        IReadOnlyList<List<int>>? sharedTargets,
        IProgress<string>? progress
    )
    {
        var model = subject.Model;
        model.eval();
        var data = subject.Data;
        var profile = ModelProfiler.Profile(model, [1, data.Channels, data.InputSize, data.InputSize]);
        var atlas = KernelAtlas.Analyze(model, options.MaxKernelsPerLayer);
        progress?.Report($"  kernel atlas: {atlas.Count} spatial layers");
        string? depthPlot = null;
        if (atlas.Count > 0)
        {
            depthPlot = $"{prefix}-atlas-depth.png";
            string title = $"{subject.Label}: kernel types by depth";
            AtlasFigures.SaveDepthPlot(Path.Combine(folder, depthPlot), title, atlas);
        }
        var layers = new List<LayerFindings>();
        foreach (var layer in atlas)
        {
            string stem = $"{prefix}-layer{layer.Depth:D2}";
            AtlasFigures.SaveGrid(Path.Combine(folder, stem + "-grid.png"), layer);
            AtlasFigures.SaveHistograms(Path.Combine(folder, stem + "-hist.png"), layer);
            var sigmas = layer
                .Classes.Where(c => c.Type == KernelType.GaussianLike && c.Sigma.HasValue)
                .Select(c => c.Sigma!.Value)
                .ToList();
            layers.Add(
                new LayerFindings(
                    layer.Name,
                    layer.Kind,
                    layer.Depth,
                    layer.Classes.Count,
                    KernelTypeStyle.All.ToDictionary(KernelTypeStyle.Label, layer.Fraction),
                    sigmas.Count == 0 ? null : sigmas.Average(),
                    stem + "-grid.png",
                    stem + "-hist.png"
                )
            );
        }
        var images = new List<ImageFindings>();
        for (int j = 0; j < options.Images.Count; j++)
        {
            progress?.Report($"  image {j + 1}/{options.Images.Count}: {Path.GetFileName(options.Images[j])}");
            var input = ImageInput.Load(options.Images[j], data);
            images.Add(InspectImage(subject, input, options, folder, $"{prefix}-img{j}", sharedTargets?[j]));
        }
        return new SubjectFindings(
            subject.Label,
            model.GetName(),
            $"{data.Channels}x{data.InputSize}x{data.InputSize}",
            profile.Params,
            profile.Macs,
            depthPlot,
            layers,
            DesignAdvice.For(atlas, profile),
            images
        );
    }

    private static ImageFindings InspectImage(
        LoadedModel subject,
        ImageInput input,
        VizOptions options,
        string folder,
        string prefix,
        IReadOnlyList<int>? sharedTargets
    )
    {
        var model = subject.Model;
        using var batch = input.ToBatch();
        string inputFile = prefix + ".png";
        ActivationImages.SaveImage(Path.Combine(folder, inputFile), input.Rgb, input.Size);
        List<Prediction> top5;
        var stages = new List<StageFindings>();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var probabilities = nn.functional.softmax(model.call(batch), 1)[0];
            var best = probabilities.topk((int)Math.Min(5, probabilities.shape[0]));
            var classes = best.indexes.data<long>().ToArray();
            var values = best.values.to(float64).data<double>().ToArray();
            top5 = classes.Select((c, k) => new Prediction((int)c, Name(subject, (int)c), values[k])).ToList();
            var chosen = model.ResolveStages(options.FeatureStages).ToList();
            var maps = model.ForwardIntermediates(batch, chosen);
            var named = chosen.Select((k, n) => ($"stages.{k}", maps[n])).ToList();
            var similarity = FeatureSimilarity.Adjacent(named);
            for (int n = 0; n < named.Count; n++)
            {
                string file = $"{prefix}-stage{chosen[n]}.png";
                var (name, map) = named[n];
                ActivationImages.SaveFeatureGrid(
                    Path.Combine(folder, file),
                    map,
                    $"{name}: {map.shape[1]} channels, {map.shape[2]}x{map.shape[3]}"
                );
                stages.Add(
                    new StageFindings(
                        name,
                        file,
                        similarity[n].FractionSimilarToPrevious(),
                        similarity[n].FractionSimilarWithin()
                    )
                );
            }
        }
        var targets = options.TargetClass is int target ? [target]
            : sharedTargets ?? top5.Take(options.TopClasses).Select(p => p.Class).ToList();
        var attributions = targets
            .Select(c => Attribute(subject, input, batch, c, options.CamStage, folder, prefix)).ToList();
        return new ImageFindings(input.Path, inputFile, top5, stages, attributions);
    }

    private static ClassAttribution Attribute(
        LoadedModel subject,
        ImageInput input,
        Tensor batch,
        int target,
        int stage,
        string folder,
        string prefix
    )
    {
        string stem = $"{prefix}-class{target}";
        using var cam = GradCam.Compute(subject.Model, batch, target, stage);
        using var plusPlus = GradCam.Compute(subject.Model, batch, target, stage, CamMethod.GradCamPlusPlus);
        var (gradient, _) = GuidedBackprop.Compute(subject.Model, batch, target);
        using (gradient)
        using (var guidedCam = gradient * cam.Heatmap)
        {
            ActivationImages.SaveOverlay(
                Path.Combine(folder, stem + "-gradcam.png"),
                input.Rgb,
                input.Size,
                cam.Heatmap
            );
            ActivationImages.SaveOverlay(
                Path.Combine(folder, stem + "-gradcampp.png"),
                input.Rgb,
                input.Size,
                plusPlus.Heatmap
            );
            ActivationImages.SaveGradient(Path.Combine(folder, stem + "-guided.png"), gradient);
            ActivationImages.SaveGradient(Path.Combine(folder, stem + "-guidedgradcam.png"), guidedCam);
        }
        return new ClassAttribution(
            target,
            Name(subject, target),
            cam.Score,
            stem + "-gradcam.png",
            stem + "-gradcampp.png",
            stem + "-guided.png",
            stem + "-guidedgradcam.png"
        )
        {
            Note = CamNote(subject.Model, input.Size, stage, cam.Heatmap),
        };
    }

    /// <summary>An all-zero map is drawn as the darkened photo it is, so the page says why; a stage of 2x2 or
    /// less gives a map with nothing to locate, so the page says which stage would.</summary>
    private static string? CamNote(Models.Classifier model, int size, int stage, TorchSharp.torch.Tensor heat)
    {
        int resolved = model.ResolveStages([stage]).Single();
        long side = size / model.FeatureInfo[resolved].Reduction;
        string? earlier = resolved > 0 ? $" --cam-stage {resolved - 1 - model.FeatureInfo.Count}" : null;
        using var peak = heat.max();
        if (peak.item<float>() <= 0)
            return $"Grad-CAM is zero everywhere: no positive evidence for this class reaches stage {resolved} "
                + $"(the ReLU of its weighted maps removed all of it){(earlier is null ? "" : $"; try{earlier}")}.";
        return side <= 2
            ? $"stage {resolved} is {side}x{side} at this input, too coarse to locate anything"
                + (earlier is null ? "." : $"; an earlier stage gives a finer map:{earlier}.")
            : null;
    }

    private static string Name(LoadedModel subject, int c) =>
        c < subject.ClassNames.Count ? subject.ClassNames[c] : $"class {c}";
}
