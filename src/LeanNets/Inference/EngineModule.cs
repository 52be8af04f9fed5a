using static TorchSharp.torch;

namespace LeanNets.Inference;

/// <summary>Any engine seen as a TorchSharp module (inference only), so evaluation code written for modules runs
/// it unchanged: tensors are copied to the engine and its logits back.</summary>
public sealed class EngineModule(IInferenceEngine engine) : nn.Module<Tensor, Tensor>(nameof(EngineModule))
{
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var cpu = input.to(float32).cpu().contiguous();
        var shape = cpu.shape.Select(d => (int)d).ToArray();
        var logits = engine.Logits(cpu.data<float>().ToArray(), shape);
        return tensor(logits, [shape[0], logits.Length / shape[0]]).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            engine.Dispose();
        base.Dispose(disposing);
    }
}
