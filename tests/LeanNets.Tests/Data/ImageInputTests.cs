using LeanNets.Data;

namespace LeanNets.Tests.Data;

/// <summary>A picture held in memory (an upload) becomes the same input as its file, and one that is not a
/// picture is described by its own bytes, never by reading its name as a path.</summary>
public class ImageInputTests
{
    private static readonly DataConfig Config = new(64, 3, ImageTransform.ImageNetMean, ImageTransform.ImageNetStd,
        Augmentation.None, 0, false);

    [Fact]
    public void BytesGiveTheInputTheFileGives()
    {
        string photo = RepositoryRoot.File("data", "photos", "raccoon-12.jpg");
        var fromFile = ImageInput.Load(photo, Config);
        var fromBytes = ImageInput.FromBytes(File.ReadAllBytes(photo), "upload", Config);
        Assert.Equal(fromFile.Values, fromBytes.Values);
        Assert.Equal("upload", fromBytes.Path);
    }

    [Fact]
    public void BytesThatAreNotAPictureAreDescribedByThemselves()
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0];
        var e = Assert.Throws<BadImageException>(() => ImageInput.FromBytes(tiff, "scan.tif", Config));
        Assert.Equal("scan.tif: a TIFF image, which LeanNets does not read (use PNG, JPEG, BMP, GIF or WebP)",
            e.Message);
        // A name that is a real file (here a TIFF) is not read: the bytes say what the upload is.
        using var dir = new TempFolder();
        string existing = dir.File("scan.tif");
        File.WriteAllBytes(existing, tiff);
        e = Assert.Throws<BadImageException>(() => ImageInput.FromBytes("text"u8.ToArray(), existing, Config));
        Assert.Equal($"{existing}: unreadable, corrupt or oversized image", e.Message);
    }
}
