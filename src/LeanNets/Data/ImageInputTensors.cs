using static TorchSharp.torch;

namespace LeanNets.Data;

/// <summary>An <see cref="ImageInput"/> as TorchSharp takes it (the input itself is plain floats, so the runtime
/// package needs no TorchSharp).</summary>
public static class ImageInputTensors
{
    extension(ImageInput input)
    {
        /// <summary>The input as a new (1, C, Size, Size) tensor; the caller disposes it.</summary>
        public Tensor ToBatch() => tensor(input.Values, [1, input.Channels, input.Size, input.Size]);
    }
}
