using LeanNets.Models.Detection;

namespace LeanNets.Training.Detection;

/// <summary>Where a detector run stands: its options, completed epochs, optimizer steps, history and the
/// class names of its data.</summary>
public sealed record DetectionRunState(
    DetectionTrainOptions Options,
    int CompletedEpochs,
    long Step,
    List<DetectionEpoch> History,
    IReadOnlyList<string> ClassNames
)
{
    /// <summary>The first epoch with the best 11-point mAP (0 before any): the one best.safetensors holds.</summary>
    public int BestEpoch => History.Count == 0 ? 0 : History.MaxBy(e => e.Map07)!.Epoch;
}

/// <summary>A detector run's resumable state (<c>last.ckpt</c>): <see cref="DetectionRunState"/> as the header,
/// the weights and the optimizer's momentum as the payload, in <see cref="CheckpointContainer"/>'s layout.
/// Nothing else is random across epochs: the data order and augmentation derive from the seed and the
/// epoch.</summary>
public static class DetectionCheckpoint
{
    internal const string Family = "LEANNETS-DETECTOR-CKPT";
    private const string Magic = Family + "-1";
    private const string Kind = "detector checkpoint";

    public static void Save(string path, DetectionRunState state, YoloV3 model, NesterovSgd optimizer) =>
        CheckpointContainer.Write(path, Magic, state, writer =>
        {
            model.save(writer);
            optimizer.Save(writer);
        });

    public static DetectionRunState ReadState(string path) =>
        CheckpointContainer.ReadHeader<DetectionRunState>(path, Magic, Kind);

    /// <summary>Loads the weights (and the optimizer state when given) into already built modules.</summary>
    public static DetectionRunState Load(string path, YoloV3 model, NesterovSgd? optimizer = null) =>
        CheckpointContainer.Read<DetectionRunState>(path, Magic, Kind, (state, reader) =>
        {
            try
            {
                model.load(reader);
                optimizer?.Load(reader);
            }
            catch (Exception e) when (Checkpoint.IsMismatch(e))
            {
                throw new LeanNetsException(
                    $"{path}: checkpoint does not match the model '{state.Options.Model}' ({e.Message.Split('\n')[0]})",
                    e);
            }
        });

    /// <summary>True when the file starts like a detector checkpoint (a cheap look before choosing a
    /// trainer).</summary>
    public static bool IsDetectorCheckpoint(string path)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            return reader.ReadString().StartsWith(Family, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return false;
        }
    }
}
