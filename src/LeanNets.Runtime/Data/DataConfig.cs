namespace LeanNets.Data;

/// <summary>Training-time augmentation, chosen by option (never guessed from the file format).</summary>
public enum Augmentation
{
    /// <summary>No random transform beyond an explicit pad-and-crop or flip.</summary>
    None,

    /// <summary>Zero-pad (default 4), random crop back to size, horizontal flip: the CIFAR recipe.</summary>
    Cifar,

    /// <summary>Random-resized crop (8-100% area) and horizontal flip; evaluation resizes and centre-crops.</summary>
    ImageNet,
}

/// <summary>
/// How a dataset's images become a model's input (timm's data config): size, channels, normalisation and
/// augmentation, resolved once for a model and a dataset and used by training, evaluation and tools alike.
/// </summary>
public sealed record DataConfig(
    int InputSize,
    int Channels,
    float[] Mean,
    float[] Std,
    Augmentation Augment,
    int Pad,
    bool Flip
)
{
    /// <summary>The pad and flip an augmentation implies when the user sets neither.</summary>
    public static (int Pad, bool Flip) Defaults(Augmentation augment) =>
        augment switch
        {
            Augmentation.Cifar => (4, true),
            Augmentation.ImageNet => (0, true),
            _ => (0, false),
        };

    /// <param name="inputSize">0 for the data's own size (fixed-size data) or <paramref name="modelSize"/> (image
    /// folders, whose pictures have no one size).</param>
    /// <param name="modelSize">the model's own input side (its registry entry's), as timm's data config
    /// defaults to the model's.</param>
    public static DataConfig Resolve(
        DataFormat format,
        IImageDataset data,
        int inputSize,
        Augmentation augment,
        int pad,
        bool flip,
        int modelSize
    )
    {
        int size =
            inputSize > 0 ? inputSize
            : data is InMemoryDataset fixedSize ? Math.Max(fixedSize.Height, fixedSize.Width)
            : modelSize;
        var (mean, std) = format switch
        {
            DataFormat.Idx => (ImageTransform.FashionMnistMean, ImageTransform.FashionMnistStd),
            DataFormat.Cifar => (ImageTransform.CifarMean, ImageTransform.CifarStd),
            _ => (ImageTransform.ImageNetMean, ImageTransform.ImageNetStd),
        };
        if (mean.Length != data.Channels)
            throw new LeanNetsException(
                $"the data has {data.Channels} channels but its normalisation has {mean.Length}"
            );
        return new DataConfig(size, data.Channels, mean, std, augment, pad, flip);
    }

    /// <summary>
    /// The data config a model gets when no data says otherwise: its registry input size, ImageNet's
    /// normalisation for RGB, Fashion-MNIST's for one channel, and 0.5/0.5 for any other channel count.
    /// </summary>
    public static DataConfig ForModel(Models.InputShape input)
    {
        var (mean, std) = input.Channels switch
        {
            3 => (ImageTransform.ImageNetMean, ImageTransform.ImageNetStd),
            1 => (ImageTransform.FashionMnistMean, ImageTransform.FashionMnistStd),
            _ => (Enumerable.Repeat(0.5f, input.Channels).ToArray(), Enumerable.Repeat(0.5f, input.Channels).ToArray()),
        };
        return new DataConfig(input.Height, input.Channels, mean, std, Augmentation.None, 0, false);
    }

    /// <summary>How inputs are made for a model with this card (evaluation preprocessing: no augmentation).</summary>
    public static DataConfig FromCard(Models.ModelCard card) =>
        new(card.Input.Height, card.Input.Channels, card.Mean, card.Std, Augmentation.None, 0, false);

    public ImageTransform TrainTransform() =>
        Augment == Augmentation.ImageNet
            ? new ImageTransform(InputSize, Mean, Std, RandomResizedCrop: true, HorizontalFlip: Flip)
            : new ImageTransform(InputSize, Mean, Std, Pad: Pad, RandomCrop: Pad > 0, HorizontalFlip: Flip);

    public ImageTransform EvalTransform() =>
        Augment == Augmentation.ImageNet
            ? new ImageTransform(InputSize, Mean, Std, ResizeShorter: InputSize * 256 / 224)
            : new ImageTransform(InputSize, Mean, Std);
}
