namespace LeanNets.Data;

/// <summary>A labelled image collection that can be read by index from several threads at once.</summary>
public interface IImageDataset
{
    int Count { get; }
    int Channels { get; }
    IReadOnlyList<string> ClassNames { get; }
    int NumClasses => ClassNames.Count;
    ImageSample Get(int index);
}
