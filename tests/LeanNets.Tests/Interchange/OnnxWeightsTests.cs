using LeanNets.Data;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Interchange;
using LeanNets.Loading;
using LeanNets.Models;
using static TorchSharp.torch;

namespace LeanNets.Tests.Interchange;

/// <summary>ONNX weights in, matched by graph structure: LeanNets' own exports, PyTorch's exports of torchvision
/// models, and ML.NET's CNTK-exported ImageNet ResNet-18 from its NuGet package.</summary>
public class OnnxWeightsTests(TorchvisionReferences references) : IClassFixture<TorchvisionReferences>
{
    private const int Side = 64;

    /// <summary>A seeded model exported (norms folded, as export does) and read back into a fresh one strictly
    /// gives the same outputs: the norms come back as identities carrying the folded shifts. One model per kind
    /// of graph: projections beside 3x3 convolutions (and DualConv's two paths), depthwise inverted residuals,
    /// VGNet's fixed kernels and norms after activations.</summary>
    [Theory]
    [InlineData("resnet18_dualconv_g4")]
    [InlineData("mobilenetv2_050")]
    [InlineData("vgnetg_1_0mp")]
    public void OwnExportsComeBackExactly(string name)
    {
        using var dir = new TempFolder();
        random.manual_seed(7);
        using var source = ModelRegistry.Create(name);
        using (no_grad())
        {
            // Norm statistics away from their initial identity, so that a norm read wrongly shows.
            foreach (var (key, t) in source.named_buffers())
            {
                if (key.EndsWith("running_mean", StringComparison.Ordinal))
                    t.uniform_(-0.5, 0.5);
                else if (key.EndsWith("running_var", StringComparison.Ordinal))
                    t.uniform_(0.5, 1.5);
            }
        }
        source.eval();
        string path = dir.File($"{name}.onnx");
        OnnxExporter.Save(source, new OnnxExportOptions(Side, 3), path);

        var (imported, report) = WeightImport.CreateModel(path, name);
        using var _ = imported;
        Assert.True(report.Complete, report.Describe());
        imported.eval();
        random.manual_seed(1);
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        var x = randn(2, 3, Side, Side);
        // The features too: a head initialised to zeros (VGNet's) would make equal logits prove nothing.
        Close(source.ForwardFeatures(x), imported.ForwardFeatures(x), 1e-4, name + " features");
        Close(source.forward(x), imported.forward(x), 1e-4, name);
    }

    /// <summary>torch.onnx.export's graphs of torchvision models (names like "onnx::Conv_193", norms folded)
    /// give torchvision's outputs once read into the registry's counterparts.</summary>
    [SkippableTheory]
    [InlineData("resnet18", "resnet18")]
    [InlineData("mobilenetv2_100", "mobilenet_v2")]
    [InlineData("shufflenetv2_x1_0", "shufflenet_v2_x1_0")]
    public void PyTorchExportsGiveTorchvisionOutputs(string model, string builder)
    {
        PythonReference.Require("torch", "torchvision", "onnx");
        var (net, report) = WeightImport.CreateModel(Path.Combine(references.Folder, builder + ".onnx"), model);
        using var _ = net;
        Assert.True(report.Complete, report.Describe());
        using var io = WeightFile.Read(Path.Combine(references.Folder, builder + ".io.pth"));
        net.eval();
        using var grad = no_grad();
        using var output = net.forward(io.Tensors["input"]);
        Close(io.Tensors["output"], output, 1e-4, model);
    }

    /// <summary>The import check: ML.NET's ImageNet ResNet-18 read into resnet18_mlnet gives the features ONNX
    /// Runtime computes from the package's own file, on real photos (within 1e-4 of the largest feature).</summary>
    [Fact]
    public void ImageNetResNet18FeaturesEqualOnnxRuntime()
    {
        string onnx = MlNetResNet18.Locate();
        var (model, card, report) = MlNetResNet18.Load(onnx);
        using var _ = model;
        Assert.Equal(["head.fc.weight", "head.fc.bias"], report.Missing);
        Assert.Equal(132, report.Loaded);
        Assert.True(card.Backbone);
        model.eval();
        using var session = OnnxRuntimeSession.FromFile(onnx);
        var data = DataConfig.FromCard(card);
        foreach (var photo in Directory.GetFiles(RepositoryRoot.File("data", "photos"), "*.jpg"))
        {
            var image = ImageInput.Load(photo, data);
            // The package's network takes BGR: the same pixels with the channel planes reversed.
            int plane = image.Size * image.Size;
            var bgr = new float[3 * plane];
            for (int c = 0; c < 3; c++)
                Array.Copy(image.Values, (2 - c) * plane, bgr, c * plane, plane);
            var expected = session.Logits(bgr, [1, 3, image.Size, image.Size]);
            using var scope = NewDisposeScope();
            using var grad = no_grad();
            var features = model.ForwardHead(model.ForwardFeatures(image.ToBatch()), preLogits: true);
            Assert.Equal(512, expected.Length);
            Close(tensor(expected).view(1, -1), features.view(1, -1), 1e-4, Path.GetFileName(photo));
        }
    }

    /// <summary>torchvision weights, which carry no class names, print ImageNet's.</summary>
    [SkippableFact]
    public void TorchvisionWeightsGetImageNetNames()
    {
        PythonReference.Require("torch", "torchvision");
        using var loaded = LoadedModel.FromWeights(Path.Combine(references.Folder, "resnet18.pth"), "resnet18");
        Assert.Equal("tench", loaded.ClassNames[0]);
        Assert.Equal("rocking chair", loaded.ClassNames[765]);
    }

    /// <summary>What does not map is said in one line, and nothing is written.</summary>
    [Fact]
    public void WhatDoesNotMapIsRefused()
    {
        using var dir = new TempFolder();
        string mlnet = MlNetResNet18.Locate();
        var empty = new global::Onnx.ModelProto { Graph = new global::Onnx.GraphProto() };
        empty.Graph.Node.Add(new global::Onnx.NodeProto { OpType = "Relu", Input = { "x" }, Output = { "y" } });
        File.WriteAllBytes(dir.File("empty.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(empty));
        File.WriteAllText(dir.File("text.onnx"), "not a protobuf at all, just words");
        foreach (var (code, args, message) in new (int, string[], string)[]
        {
            (1, ["convert", "resnet18", "--weights", mlnet, "--output", dir.File("a.safetensors")],
                "does not fit 'resnet18'"),
            (1, ["convert", "resnet18", "--weights", dir.File("empty.onnx"), "--output", dir.File("b.safetensors")],
                "an ONNX graph with no weights"),
            (1, ["convert", "resnet18", "--weights", dir.File("text.onnx"), "--output", dir.File("c.safetensors")],
                "not an ONNX model"),
            (2, ["convert", "resnet18_mlnet", "--weights", mlnet, "--output", dir.File("d.onnx"), "--non-strict"],
                "write .pth or .safetensors"),
            (2, ["convert", "resnet50_cifar_hetconv_p4", "--weights", mlnet, "--output", dir.File("e.safetensors")],
                "computes its weights"),
        })
        {
            var run = LeanNets.Tests.Cli.CliTests.Run(args);
            Assert.True(code == run.Code, $"{string.Join(' ', args)}: exit {run.Code}: {run.Err}");
            Assert.Contains(message, run.Err);
            Assert.Single(run.Err.Trim().Split('\n'));
        }
        Assert.Equal(["empty.onnx", "text.onnx"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>`leannets pretrained` writes the weights with their card; the file then loads strictly.</summary>
    [Fact]
    public void PretrainedWritesAStrictlyLoadingBackbone()
    {
        using var dir = new TempFolder();
        string path = dir.File("imagenet.safetensors");
        var run = LeanNets.Tests.Cli.CliTests.Run(["pretrained", "--output", path]);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("wrote", run.Out);
        var card = WeightFile.ReadCard(path)!;
        Assert.True(card.Backbone);
        Assert.Equal(MlNetResNet18.Mean, card.Mean);
        var (model, report) = WeightImport.CreateModel(path, MlNetResNet18.ModelName);
        using var _ = model;
        Assert.True(report.Complete, report.Describe());

        // Predicting with it says the head is untrained; its export keeps saying so.
        var predict = LeanNets.Tests.Cli.CliTests.Run(["predict", path, RepositoryRoot.File("data", "photos",
            "raccoon-12.jpg")]);
        Assert.True(predict.Code == 0, predict.Err);
        Assert.Contains("the classifier head is untrained", predict.Out);
        using var loaded = LoadedModel.FromWeights(path, MlNetResNet18.ModelName);
        Assert.True(loaded.Card.Backbone);
    }

    /// <summary>Every value within <paramref name="tolerance"/> times the largest expected magnitude.</summary>
    private static void Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = (actual - expected).abs().max().item<float>();
        double scale = expected.abs().max().item<float>();
        Assert.True(error <= tolerance * scale, $"{what}: max difference {error:E2} (largest value {scale:F3})");
    }
}
