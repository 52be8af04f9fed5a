using LeanNets.Runtime;
using LeanNets.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeanNets.Reports;

/// <summary>
/// TensorBoard event files for a run of any task (<c>RUN/tensorboard</c>), through TorchSharp's SummaryWriter:
/// loss and learning rate every few steps, every figure of the epoch, weight histograms per epoch and a few input
/// images. Watch live with <c>tensorboard --logdir RUN/tensorboard</c>.
/// </summary>
public sealed class TensorBoardLog(int everySteps = 10) : ITrainingObserver
{
    public const string Folder = "tensorboard";
    private TorchSharp.Modules.SummaryWriter? writer;

    public void OnStart(TrainingStart start)
    {
        writer = utils.tensorboard.SummaryWriter(Path.Combine(start.RunDirectory, Folder));
        if (start.State.CompletedEpochs > 0)
            return;
        using var scope = NewDisposeScope();
        using var tiny = 1e-6.ToScalar();
        var images = start.SampleImages;
        for (int i = 0; i < Math.Min(4, images.shape[0]); i++)
        {
            // Normalised inputs rescaled to 0..1 for display.
            var image = images[i];
            var shown = (image - image.min()) / image.max().sub(image.min()).add(tiny, OwnedScalars.One);
            writer.add_img($"inputs/{i}", shown, 0);
        }
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
        foreach (var (name, value) in m.Values)
            writer.add_scalar($"epoch/{name}", (float)value, m.Epoch);
        if (m.EmaScore is double ema)
            writer.add_scalar("epoch/ema_score", (float)ema, m.Epoch);
        // TorchSharp's histogram makes temporaries (bins, counts) that must stay referenced while libtorch reads them.
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in end.Model.named_parameters())
        {
            if (parameter.dim() > 1)
                writer.add_histogram($"weights/{name}", parameter.detach(), m.Epoch);
        }
    }
}
