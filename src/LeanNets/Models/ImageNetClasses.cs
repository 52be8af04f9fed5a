namespace LeanNets.Models;

/// <summary>ImageNet-1k's class names in label order (torchvision's list, Resources/imagenet-classes.txt), so a
/// 1000-class model with weights from elsewhere (a torchvision .pth carries no names) prints "rocking chair" rather
/// than "class 765".</summary>
public static class ImageNetClasses
{
    public const int Count = 1000;

    private static readonly Lazy<IReadOnlyList<string>> Loaded = new(() =>
    {
        using var stream = typeof(ImageNetClasses).Assembly.GetManifestResourceStream("LeanNets.imagenet-classes.txt")
            ?? throw new InvalidOperationException("the ImageNet class list is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    });

    public static IReadOnlyList<string> Names => Loaded.Value;
}
