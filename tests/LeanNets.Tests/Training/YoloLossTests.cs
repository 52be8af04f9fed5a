using LeanNets.Inference.Detection;
using LeanNets.Models.Detection;
using LeanNets.Training.Tasks;
using static TorchSharp.torch;

namespace LeanNets.Tests.Training;

public class YoloLossTests
{
    /// <summary>A box the shape of the largest anchor goes to the coarsest scale, that anchor, the cell holding
    /// its centre, with offsets from the cell corner and zero log size ratio.</summary>
    [Fact]
    public void AnObjectGoesToItsBestAnchorAndCell()
    {
        var loss = new YoloLoss(YoloLayout.DefaultAnchors, 20);
        // 373x326 centred at (200, 150): stride 32, cell (6, 4), offsets 0.25 and 0.6875.
        var box = new BoundingBox(200 - 186.5f, 150 - 163, 200 + 186.5f, 150 + 163);
        var a = loss.Assign(new TargetBox(7, box), 416);
        const long grid = 13;
        Assert.Equal(2 * grid * grid + 4 * grid + 6, a.Prediction);
        // Binary fractions of a 416-px grid: exact in float32 up to round-off.
        Near.Equal(0.25f, a.Tx, 1e-6);
        Near.Equal(0.6875f, a.Ty, 1e-6);
        Near.Equal(0f, a.Tw, 1e-6);
        Near.Equal(0f, a.Th, 1e-6);
        Assert.Equal(7, a.Class);

        // A 30x20 box takes the 33x23 anchor: finest scale (stride 8), third anchor, after the two coarser scales.
        var small = loss.Assign(new TargetBox(0, new BoundingBox(100, 100, 130, 120)), 416);
        long offset = 3 * 13 * 13 + 3 * 26 * 26;
        Assert.Equal(offset + 2 * 52 * 52 + (110 / 8) * 52 + 115 / 8, small.Prediction);
    }

    /// <summary>A new detector starts from its priors: every cell's objectness about the chance of an object
    /// there (2% at stride 32, 0.5% at 16, 0.1% at 8), so one picture with one object at 256 px costs a loss in the
    /// tens, not the thousands the generic initialisation gave (objectness near a half in each of 4,032 cells).
    /// </summary>
    [Fact]
    public void ANewDetectorStartsFromItsPriors()
    {
        manual_seed(1);
        using var model = DetectorRegistry.Get("yolov3_w25").Create(numClasses: 3);
        model.train();
        using var image = rand(1, 3, 256, 256);
        using var scope = NewDisposeScope();
        var raw = model.forward(image);
        double objectness = raw[.., .., 4].sigmoid().mean().item<float>();
        Assert.InRange(objectness, 0.0005, 0.02);
        var terms = YoloLoss.For(model).Compute(raw, [[new TargetBox(1, new BoundingBox(40, 60, 140, 180))]], 256);
        Assert.InRange(terms.Total.item<float>(), 1, 100);
    }

    /// <summary>A small YOLO-V3 learns one object of one picture: the loss falls and the decoded detection is the
    /// object, with its class.</summary>
    [Fact]
    public void ASmallDetectorFitsOneObject()
    {
        manual_seed(0);
        using var model = DetectorRegistry.Get("yolov3_w25").Create(numClasses: 3);
        var loss = YoloLoss.For(model);
        var target = new TargetBox(2, new BoundingBox(20, 16, 52, 40));
        using var image = rand(1, 3, 64, 64);
        using var optimizer = optim.Adam(model.parameters(), lr: 2e-3);
        model.train();
        double first = 0,
            last = 0;
        for (int step = 0; step < 80; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var terms = loss.Compute(model.forward(image), [[target]], 64);
            terms.Total.backward();
            optimizer.step();
            last = terms.Total.item<float>();
            if (step == 0)
                first = last;
            Assert.Equal(1, terms.Positives);
        }
        Assert.True(last < first / 5, $"loss {first:F3} -> {last:F3}");
        model.eval();
        using var noGrad = no_grad();
        using var raw = model.forward(image);
        var found = YoloDecoder.For(model).Decode(raw, 64, ["image"])[0];
        var best = found.OrderByDescending(d => d.Score).First();
        Assert.Equal(2, best.Class);
        Assert.True(best.Box.Iou(target.Box) > 0.5, $"box {best.Box} vs {target.Box}");
    }
}
