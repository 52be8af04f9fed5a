using System.Runtime.CompilerServices;
using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Layers;

/// <summary>
/// libtorch 2.10's oneDNN computes some convolutions wrongly on AVX-512 CPUs: the forward pass of a dense
/// (one group) convolution with a kernel larger than 1x1 and more than 16 input channels that are not a multiple
/// of 16, for batches of two or more. Measured errors were 5-40% of the output range (184 input channels, the width
/// of YOLO-V3's heads on VGNetG-1.0MP, among them). Grouped and 1x1 convolutions, batches of one and every backward
/// pass were right, and so were libtorch's own kernels and oneDNN's AVX2 ones (docs/reliability.md has the
/// measurements). Every such convolution of a model runs with oneDNN switched off for its call; the others keep
/// oneDNN's speed. The switch is process-wide, so it is counted: the first guarded call in flight turns oneDNN off,
/// the last turns it back to what it was. A call that throws inside the convolution leaves it off: slower, never
/// wrong.
/// </summary>
public static class DenseConvGuard
{
    private static readonly object Gate = new();
    private static readonly ConditionalWeakTable<nn.Module, object> Guarded = new();
    private static int inFlight;
    private static bool restore = true;

    /// <summary>Whether oneDNN's forward can get <paramref name="conv"/> wrong (its shape, not the CPU: the rule is
    /// applied on every machine, the cost is small).</summary>
    public static bool IsAffected(TorchSharp.Modules.Conv2d conv)
    {
        var shape = conv.weight!.shape; // [out, in / groups, kh, kw]
        long inChannels = shape[1];
        return conv.groups == 1 && (shape[2] > 1 || shape[3] > 1) && inChannels > 16 && inChannels % 16 != 0;
    }

    /// <summary>Guards every affected convolution of <paramref name="model"/> (once each, however often it is
    /// called) and returns how many were newly guarded.</summary>
    public static int Protect(nn.Module model)
    {
        if (!LibTorchSettings.Available)
            return 0;
        int count = 0;
        foreach (var conv in model.modules().Prepend(model).OfType<TorchSharp.Modules.Conv2d>())
        {
            if (!IsAffected(conv) || !Guarded.TryAdd(conv, Gate))
                continue;
            conv.register_forward_pre_hook((_, input) =>
            {
                Enter();
                return input;
            });
            conv.register_forward_hook((_, _, output) =>
            {
                Exit();
                return output;
            });
            count++;
        }
        return count;
    }

    private static void Enter()
    {
        lock (Gate)
        {
            if (inFlight++ == 0)
                restore = LibTorchSettings.SetMkldnn(false);
        }
    }

    private static void Exit()
    {
        lock (Gate)
        {
            if (--inFlight == 0)
                LibTorchSettings.SetMkldnn(restore);
        }
    }
}
