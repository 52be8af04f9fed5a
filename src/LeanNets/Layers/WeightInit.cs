using LeanNets.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>The initialisation torchvision's CNNs use: He-normal (fan-out) convs, unit BN, small linear.</summary>
public static class WeightInit
{
    public static T Apply<T>(T model)
        where T : nn.Module
    {
        using var _ = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv when conv.weight is { requires_grad: true } w:
                    nn.init.kaiming_normal_(
                        w,
                        mode: nn.init.FanInOut.FanOut,
                        nonlinearity: nn.init.NonlinearityType.ReLU
                    );
                    if (conv.bias is { } cb)
                        cb.zero_();
                    break;
                case BatchNorm bn:
                    bn.weight?.fill_(OwnedScalars.One);
                    bn.bias?.zero_();
                    break;
                case Linear linear:
                    nn.init.normal_(linear.weight!, 0, 0.01);
                    linear.bias?.zero_();
                    break;
            }
        }
        return model;
    }
}
