using LeanNets.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// Every model's head: adaptive average pool, optional pre-logits layers (MobileNetV3's and GhostNet's
/// 1280-wide layer, VGG's two FC-4096), flatten, optional dropout, and the final linear layer <c>fc</c>.
/// </summary>
public sealed class ClassifierHead : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> pool;
    // Field names are state-dict names: TorchSharp registers modules by field name (timm's head.pre_logits).
#pragma warning disable IDE1006
    private readonly nn.Module<Tensor, Tensor>? pre_logits;
#pragma warning restore IDE1006
    private readonly nn.Module<Tensor, Tensor> flatten;
    private readonly nn.Module<Tensor, Tensor>? dropout;
    private readonly TorchSharp.Modules.Linear fc;

    /// <param name="poolSize">output size of the adaptive average pool (1 = global; VGG's ImageNet head: 7).</param>
    /// <param name="preLogits">layers between pooling and the last linear layer, taking the pooled 4-D map, with their
    /// output width.</param>
    public ClassifierHead(
        long inChannels,
        long numClasses,
        double dropout = 0,
        int poolSize = 1,
        (nn.Module<Tensor, Tensor> Module, long Features)? preLogits = null
    )
        : base(nameof(ClassifierHead))
    {
        InChannels = inChannels;
        NumClasses = numClasses;
        PreLogitsFeatures = preLogits?.Features ?? inChannels * poolSize * poolSize;
        pool = nn.AdaptiveAvgPool2d(poolSize);
        pre_logits = preLogits?.Module;
        flatten = nn.Flatten();
        this.dropout = dropout > 0 ? nn.Dropout(dropout) : null;
        fc = nn.Linear(PreLogitsFeatures, numClasses);
        RegisterComponents();
    }

    public long InChannels { get; }
    public long NumClasses { get; }

    /// <summary>Width of the vector the last linear layer takes.</summary>
    public long PreLogitsFeatures { get; }

    public TorchSharp.Modules.Linear Fc => fc;

    public Tensor Forward(Tensor features, bool preLogitsOnly)
    {
        using var scope = NewDisposeScope();
        var x = pool.call(features);
        if (pre_logits != null)
            x = pre_logits.call(x);
        x = flatten.call(x);
        if (preLogitsOnly)
            return x.MoveToOuterDisposeScope();
        if (dropout != null)
            x = dropout.call(x);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>Dropout is the identity at inference and writes no node.</summary>
    public string ExportOnnx(OnnxGraph graph, string input)
    {
        var x = graph.Emit(pool, input);
        if (pre_logits != null)
            x = graph.Emit(pre_logits, x);
        return graph.Emit(fc, graph.Emit(flatten, x));
    }

    public override Tensor forward(Tensor features) => Forward(features, preLogitsOnly: false);
}
