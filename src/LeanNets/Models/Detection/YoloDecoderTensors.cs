using LeanNets.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Models.Detection;

/// <summary>The tensor forms of <see cref="YoloDecoder"/> that training and evaluation use (the decoder itself is
/// managed code in the runtime package, which has no TorchSharp).</summary>
public static class YoloDecoderTensors
{
    extension(YoloDecoder decoder)
    {
        /// <summary>The decoder of a detector's own anchors and classes.</summary>
        public static YoloDecoder For(YoloV3 model) => new(model.Anchors, model.NumClasses);

        /// <summary>Boxes in input pixels for each image of a [N, predictions, 5 + classes] output (or the same
        /// values flattened per image, as an ONNX engine returns them).</summary>
        public IReadOnlyList<IReadOnlyList<DetectedObject>> Decode(Tensor raw, int inputSize,
            IReadOnlyList<string> images)
        {
            float[] values;
            using (NewDisposeScope())
                values = raw.detach().cpu().contiguous().data<float>().ToArray();
            int perImage = (int)(raw.numel() / raw.shape[0]);
            return Enumerable
                .Range(0, (int)raw.shape[0])
                .Select(n => decoder.Decode(values.AsSpan(n * perImage, perImage), inputSize, images[n]))
                .ToList();
        }

        /// <summary>Every prediction's box [N, predictions, 4] (x1, y1, x2, y2 in input pixels, clipped to the
        /// input): the loss's tensor form of the decoding.</summary>
        public Tensor Boxes(Tensor raw, int inputSize)
        {
            using var scope = NewDisposeScope();
            var cells = decoder.Cells(inputSize);
            if (raw.shape[1] != cells.Count || raw.shape[2] != decoder.NumClasses + 5)
                throw new LeanNetsException(
                    $"a {inputSize}x{inputSize} YOLO output has {cells.Count}x{decoder.NumClasses + 5} values per "
                        + $"image, got {raw.shape[1]}x{raw.shape[2]}"
                );
            var grid = tensor(cells.SelectMany(c => new[] { c.X, c.Y }).ToArray()).view(-1, 2);
            var anchorSize = tensor(cells.SelectMany(c => new[] { c.Width, c.Height }).ToArray()).view(-1, 2);
            var stride = tensor(cells.Select(c => c.Stride).ToArray()).view(-1, 1);
            // Runs in every detection training step: owned scalars only (see OwnedScalars).
            using var side = inputSize.ToScalar();
            var centre = raw[.., .., ..2].sigmoid().Plus(grid).mul(stride);
            var half = raw[.., .., 2..4].exp().mul(anchorSize).div(OwnedScalars.Two);
            return cat([centre.sub(half), centre.Plus(half)], -1).clamp(OwnedScalars.Zero, side)
                .MoveToOuterDisposeScope();
        }
    }
}
