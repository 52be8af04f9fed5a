using LeanNets.Analysis;
using LeanNets.Interchange;
using LeanNets.Measures;
using LeanNets.Models;
using LeanNets.Models.Detection;
using LeanNets.Models.VGNetPaper;
using LeanNets.Training;
using static TorchSharp.torch;

namespace LeanNets.Tests.Models.Detection;

public class YoloV3Tests
{
    /// <summary>DualConv paper Table VII at 416x416 and 20 classes (docs/paper-tables.md): exact params,
    /// MACs to the printed 0.001G.</summary>
    [Theory]
    [InlineData("yolov3", 61_626_049, 32.714)]
    [InlineData("yolov3_dualconv_g2", 42_408_641, 22.790)]
    [InlineData("yolov3_dualconv_g4", 30_054_593, 16.411)]
    [InlineData("yolov3_dualconv_g8", 23_877_569, 13.221)]
    [InlineData("yolov3_dualconv_g16", 20_789_057, 11.626)]
    [InlineData("yolov3_dualconv_g32", 19_244_801, 10.829)]
    public void TableSevenCountsReproduce(string name, long parameters, double gigaMacs)
    {
        // The shipped counts are the profiler's at 416x416 (ModelCountsTests): one profile per model per run.
        var profile = LeanNets.Analysis.ModelCounts.Shipped(CountedModel.Get(name))!;
        Assert.Equal(parameters, profile.Params);
        // The paper prints GMACs to three decimals: within half a unit of the last one.
        Near.Equal(gigaMacs, profile.Macs / 1e9, 0.0005);
    }

    [Fact]
    public void WithCocoClassesItIsTheUsualYoloV3()
    {
        using var model = DetectorRegistry.Get("yolov3").Create(numClasses: 80);
        Assert.Equal(61_949_149, ModelProfiler.CountParams(model));
    }

    /// <summary>Three scales (strides 32, 16, 8) of three anchors each, 5 + classes values per prediction.</summary>
    [Fact]
    public void OutputHasEveryPredictionOfEveryScale()
    {
        using var model = DetectorRegistry.Get("yolov3_w25").Create(numClasses: 3);
        model.eval();
        using var _ = no_grad();
        using var y = model.forward(randn(2, 3, 64, 64));
        Assert.Equal([2, 3 * (2 * 2 + 4 * 4 + 8 * 8), 8], y.shape);
    }

    [Fact]
    public void DarknetIsARegistryClassifier()
    {
        using var model = ModelRegistry.Create("darknet53");
        Assert.Equal([64, 128, 256, 512, 1024], model.FeatureInfo.Select(f => f.Channels));
        Assert.Equal([2, 4, 8, 16, 32], model.FeatureInfo.Select(f => f.Reduction));
    }

    /// <summary>The heads sit on a registry classifier through the model contract: the backbone's tensors but its
    /// classifier head keep their names and shapes, and the output has every prediction of the three scales.
    /// </summary>
    [Fact]
    public void HeadsSitOnARegistryClassifier()
    {
        using var model = DetectorRegistry.Get("yolov3_on_vgnetg_1_0mp").Create(numClasses: 3);
        using var backbone = ModelRegistry.Create("vgnetg_1_0mp");
        var detector = model.state_dict();
        var expected = backbone.state_dict().Where(p => !p.Key.StartsWith("head.", StringComparison.Ordinal))
            .ToList();
        Assert.All(expected, p => Assert.Equal(p.Value.shape, detector[p.Key].shape));
        Assert.Equal(expected.Count + detector.Keys.Count(k => k.StartsWith("heads.") || k.StartsWith("routes.")),
            detector.Count);
        model.eval();
        using var _ = no_grad();
        using var x = randn(2, 3, 64, 64);
        using var y = model.forward(x);
        Assert.Equal([2, 3 * (2 * 2 + 4 * 4 + 8 * 8), 8], y.shape);
    }

    /// <summary>An architecture the user registers is a backbone too; one that never reaches stride 32 is refused
    /// with its reductions named.</summary>
    [Fact]
    public void AUserArchitectureCarriesTheHeadsOrIsNamed()
    {
        var mine = new VGNet.Config
        {
            Name = "my_backbone",
            Size = new VGNet.Size("mine", [16, 24, 32, 48, 64], [1, 1, 1, 1]),
            Variant = VGNet.G,
        };
        using (ModelRegistry.Register("my_backbone", o => VGNet.Build(mine, o), new InputShape(3, 64, 64), 4))
        {
            using var model = DetectorRegistry.Get("yolov3_on_my_backbone").Create(numClasses: 2);
            model.eval();
            using var _ = no_grad();
            using var x = randn(1, 3, 64, 64);
            using var y = model.forward(x);
            Assert.Equal([1, 3 * (2 * 2 + 4 * 4 + 8 * 8), 7], y.shape);
        }
        Assert.False(DetectorRegistry.Contains("yolov3_on_my_backbone"));
        var refused = Assert.Throws<LeanNetsUsageException>(() =>
            DetectorRegistry.Get("yolov3_on_vgnetg_1_0mp_cifar").Create());
        Assert.Contains("vgnetg_1_0mp_cifar cannot carry YOLO-V3's heads", refused.Message);
        Assert.Contains("reduce by 1, 2, 4, 8, 8", refused.Message);
    }

    /// <summary>A classifier's weights start the backbone of a detector on that classifier (`--init-from`): every
    /// backbone tensor is the classifier's, the heads keep their initialisation; the same file for a detector on
    /// another backbone is refused.</summary>
    [Fact]
    public void AClassifiersWeightsStartTheBackbone()
    {
        using var dir = new TempFolder();
        string file = dir.File("vgnet.safetensors");
        using var classifier = ModelRegistry.Create("vgnetg_1_0mp");
        WeightFile.Write(file, StateDict.Of(classifier));
        const string name = "yolov3_on_vgnetg_1_0mp";
        using var detector = DetectorRegistry.Get(name).Create(numClasses: 3);
        var after = detector.state_dict();
        using var head = after["heads.0.output.weight"].clone();
        var report = FineTuning.InitializeFrom(detector, name, file, YoloV3.IsClassDependent, YoloV3.IsBackbone);
        var backbone = classifier.state_dict().Where(p => !Classifier.IsHead(p.Key)).ToList();
        Assert.Equal(backbone.Count, report.Loaded);
        Assert.All(backbone, p => Assert.True(p.Value.equal(after[p.Key]).all().item<bool>(), p.Key));
        Assert.True(head.equal(after["heads.0.output.weight"]).all().item<bool>());
        using var other = DetectorRegistry.Get("yolov3_w25").Create(numClasses: 3);
        var refused = Assert.Throws<LeanNetsException>(() =>
            FineTuning.InitializeFrom(other, "yolov3_w25", file, YoloV3.IsClassDependent, YoloV3.IsBackbone));
        Assert.Contains("does not fit 'yolov3_w25'", refused.Message);
    }

    /// <summary>The coarsest scale (stride 32) takes the three largest anchors, the finest the smallest.</summary>
    [Fact]
    public void AnchorsGoLargestToCoarsestScale()
    {
        Assert.Equal(YoloLayout.DefaultAnchors.Skip(6), YoloLayout.ScaleAnchors(YoloLayout.DefaultAnchors, 0));
        Assert.Equal(YoloLayout.DefaultAnchors.Take(3), YoloLayout.ScaleAnchors(YoloLayout.DefaultAnchors, 2));
    }
}
