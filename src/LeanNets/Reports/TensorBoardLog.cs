using LeanNets.Training;
using LeanNets.Training.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Reports;

/// <summary>
/// TensorBoard event files for a run (<c>RUN/tensorboard</c>), through TorchSharp's SummaryWriter: loss and
/// learning rate every few steps, the epoch's metrics, weight histograms per epoch and a few input images.
/// Watch live with <c>tensorboard --logdir RUN/tensorboard</c>.
/// </summary>
public sealed class TensorBoardLog(int everySteps = 10) : ITrainingObserver, IDetectionObserver
{
    public const string Folder = "tensorboard";
    private TorchSharp.Modules.SummaryWriter? writer;

    public void OnStart(TrainingStart start)
    {
        writer = utils.tensorboard.SummaryWriter(Path.Combine(start.RunDirectory, Folder));
        if (start.State.CompletedEpochs > 0)
            return;
        using var scope = NewDisposeScope();
        var (images, _) = start.SampleBatch.ToTensors();
        var count = Math.Min(4, start.SampleBatch.Count);
        for (int i = 0; i < count; i++)
        {
            // Normalised inputs rescaled to 0..1 for display.
            var image = images[i];
            var shown = (image - image.min()) / (image.max() - image.min() + 1e-6);
            writer.add_img($"inputs/{i}", shown, 0);
        }
    }

    public void OnStart(string runDirectory, DetectionRunState state) =>
        writer = utils.tensorboard.SummaryWriter(Path.Combine(runDirectory, Folder));

    /// <summary>A detector's epoch: its loss terms and both mAPs.</summary>
    public void OnEpoch(DetectionEpochEnd end)
    {
        if (writer == null)
            return;
        var e = end.Metrics;
        foreach (var (name, value) in new[]
        {
            ("loss", e.Loss), ("box_loss", e.BoxLoss), ("object_loss", e.ObjectLoss), ("class_loss", e.ClassLoss),
            ("map07", e.Map07), ("map_area", e.MapArea),
        })
            writer.add_scalar($"epoch/{name}", (float)value, e.Epoch);
    }

    public void OnBatch(BatchProgress p)
    {
        if (writer == null || p.Step % everySteps != 0)
            return;
        writer.add_scalar("train/loss", (float)p.Loss, (int)p.Step);
        writer.add_scalar("train/lr", (float)p.LearningRate, (int)p.Step);
    }

    public void OnEpoch(EpochEnd end)
    {
        if (writer == null)
            return;
        var m = end.Metrics;
        writer.add_scalar("epoch/train_loss", (float)m.TrainLoss, m.Epoch);
        writer.add_scalar("epoch/train_top1", (float)m.TrainTop1, m.Epoch);
        writer.add_scalar("epoch/test_loss", (float)m.TestLoss, m.Epoch);
        writer.add_scalar("epoch/test_top1", (float)m.TestTop1, m.Epoch);
        writer.add_scalar("epoch/test_top5", (float)m.TestTop5, m.Epoch);
        foreach (var (name, parameter) in end.Model.named_parameters())
        {
            if (parameter.dim() > 1)
                writer.add_histogram($"weights/{name}", parameter.detach(), m.Epoch);
        }
    }
}
