using static TorchSharp.torch;

namespace LeanNets.Analysis.Kernels;

/// <summary>One spatial layer's kernels, classified: counts per type, every kernel's class, and its raw
/// values.</summary>
/// <param name="Depth">the layer's position among the model's spatial layers (0 = nearest the input).</param>
/// <param name="Values">every weight of the classified slices (the paper's Fig. 1 histograms).</param>
/// <param name="Size">the kernels' side N.</param>
public sealed record LayerAtlas(
    string Name,
    string Kind,
    int Depth,
    int Size,
    bool Learned,
    bool Depthwise,
    IReadOnlyList<KernelClass> Classes,
    float[] Values
)
{
    public int Count(KernelType type) => Classes.Count(c => c.Type == type);

    public double Fraction(KernelType type) => Classes.Count == 0 ? 0 : (double)Count(type) / Classes.Count;
}

/// <summary>
/// The kernel atlas of a model: every N x N convolution (N >= 3; learned and fixed), each kernel classified by
/// <see cref="KernelClassifier"/> against the layer's median kernel norm. A depthwise layer has one kernel per
/// channel; a full convolution's M x C x N x N weight is read as its N x N slices (at most
/// <c>maxSlicesPerLayer</c>, evenly spaced).
/// </summary>
public static class KernelAtlas
{
    public static IReadOnlyList<LayerAtlas> Analyze(nn.Module model, int maxSlicesPerLayer = 4096)
    {
        if (maxSlicesPerLayer <= 0) throw new ArgumentOutOfRangeException(nameof(maxSlicesPerLayer));
        var result = new List<LayerAtlas>();
        foreach (var layer in KernelInspector.SpatialKernels(model))
        {
            using var scope = NewDisposeScope();
            var weight = layer.Weight.detach().to(float32).cpu();
            int size = (int)weight.shape[^1];
            if (weight.shape[^2] != size) continue;
            var slices = weight.reshape(-1, size * size);
            long total = slices.shape[0];
            long take = Math.Min(total, maxSlicesPerLayer);
            var chosen = take == total ? slices : slices.index_select(0, linspace(0, total - 1, take).to(int64));
            var values = chosen.data<float>().ToArray();
            var norms = chosen.norm(1).data<float>().ToArray();
            double median = norms.Order().ElementAt(norms.Length / 2);
            var classes = new List<KernelClass>();
            for (int i = 0; i < take; i++)
            {
                var kernel = values[(i * size * size)..((i + 1) * size * size)];
                classes.Add(KernelClassifier.Classify(kernel, size, median));
            }
            result.Add(
                new LayerAtlas(
                    layer.Name,
                    layer.Kind,
                    result.Count,
                    size,
                    layer.Learned,
                    layer.Depthwise,
                    classes,
                    values
                )
            );
        }
        return result;
    }
}
