using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models;

/// <summary>
/// Every LeanNets model: a <see cref="Features"/> trunk that returns the last feature map (N, C, H, W),
/// and a <see cref="Head"/> that turns it into class scores. Grad-CAM, kernel visualisation and
/// detection reuse the trunk.
/// </summary>
public sealed class Classifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> features;
    private readonly nn.Module<Tensor, Tensor> head;

    public Classifier(string name, nn.Module<Tensor, Tensor> features, nn.Module<Tensor, Tensor> head) : base(name)
    {
        this.features = features;
        this.head = head;
        RegisterComponents();
    }

    public nn.Module<Tensor, Tensor> Features => features;
    public nn.Module<Tensor, Tensor> Head => head;

    public override Tensor forward(Tensor input)
    {
        using var map = features.call(input);
        return head.call(map);
    }
}
