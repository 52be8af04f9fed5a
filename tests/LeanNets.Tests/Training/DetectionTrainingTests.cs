using System.Text.Json;
using LeanNets.Data.Detection;
using LeanNets.Export;
using LeanNets.Interchange;
using LeanNets.IO;
using LeanNets.Loading;
using LeanNets.Models.Detection;
using LeanNets.Reports;
using LeanNets.Tests.Cli;
using LeanNets.Training;

namespace LeanNets.Tests.Training;

public class DetectionTrainingTests
{
    /// <summary>`train` with a detector name runs the detector loop on VOC data: per-epoch loss and mAP in
    /// metrics.jsonl, best/last weights a YOLO-V3 of the data's classes loads.</summary>
    [Fact]
    public void TrainingADetectorWritesMetricsAndWeights()
    {
        using var dir = new TempFolder();
        string data = dir.File("voc"), run = dir.File("run");
        SyntheticShapes.Write(data, 12, "train", 64, seed: 1);
        SyntheticShapes.Write(data, 4, "val", 64, seed: 2);

        var (code, output, error) = CliTests.Run(
            "train", "yolov3_w25", "--data", data, "--epochs", "2", "--batch-size", "4", "--input-size", "64",
            "--output", run
        );
        Assert.True(code == 0, error);
        Assert.Contains("epoch 2/2: loss", output);
        Assert.Contains("best mAP@0.5", output);
        var epochs = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(2, epochs.Length);
        using var last = JsonDocument.Parse(epochs[^1]);
        Assert.True(last.RootElement.GetProperty("train_loss").GetDouble() > 0);
        using var weights = WeightFile.Read(Path.Combine(run, "best.safetensors"));
        var model = LeanNets.Models.Detection.DetectorRegistry.Get("yolov3_w25").Create(numClasses: 3);
        using var disposeModel = model;
        Assert.True(WeightLoader.Load(model, "yolov3_w25", weights, "best.safetensors").Complete);
        Assert.Equal(SyntheticShapes.Classes.Order(), File.ReadAllLines(Path.Combine(run, "classes.txt")));

        // best.safetensors carries its card: the trained input size (64, not the registry's 416) and classes.
        var card = WeightFile.ReadCard(Path.Combine(run, "best.safetensors"))!;
        Assert.Equal((LeanNets.Models.ModelCard.Detect, "yolov3_w25", 64), (card.Task, card.Model, card.Input.Height));
        Assert.Equal(SyntheticShapes.Classes.Order(), card.ClassNames);

        // The trained weights find objects in a picture (at the trained size, from the card): drawn PNG (the
        // picture's size) and detections.json.
        string picture = Directory.GetFiles(Path.Combine(data, "JPEGImages"))[0], drawn = dir.File("drawn");
        (code, output, error) = CliTests.Run(
            "detect", "yolov3_w25", "--weights", Path.Combine(run, "best.safetensors"), picture,
            "--threshold", "0.001", "--out", drawn
        );
        Assert.True(code == 0, error);
        Assert.Contains("objects ->", output);
        string png = Path.Combine(drawn, Path.GetFileNameWithoutExtension(picture) + ".png");
        using (var bitmap = SkiaSharp.SKBitmap.Decode(png))
            Assert.Equal((64, 64), (bitmap.Width, bitmap.Height));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(drawn, "detections.json")));
        Assert.Equal(picture, json.RootElement[0].GetProperty("image").GetString());

        // ONNX Runtime on the detector's export finds the same objects.
        string viaOnnx = dir.File("drawn-onnx");
        (code, _, error) = CliTests.Run(
            "detect", "yolov3_w25", "--weights", Path.Combine(run, "best.safetensors"), picture, "--input-size", "64",
            "--threshold", "0.001", "--out", viaOnnx, "--engine", "onnxruntime"
        );
        Assert.True(code == 0, error);
        using (var onnxJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(viaOnnx, "detections.json"))))
            AssertSameObjects(Objects(json.RootElement[0]), Objects(onnxJson.RootElement[0]));

        // The trained detector exports (at its trained size) to an ONNX file that carries what decoding needs.
        string onnxFile = dir.File("yolo.onnx");
        (code, output, error) = CliTests.Run(
            "export", "yolov3_w25", "--weights", Path.Combine(run, "best.safetensors"), "--onnx", onnxFile
        );
        Assert.True(code == 0, error);
        Assert.Contains("input 3x64x64", output);
        using (var session = Inference.OnnxRuntimeSession.FromFile(onnxFile))
        {
            Assert.Equal("detect", session.Metadata["leannets.task"]);
            Assert.Equal("[\"circle\",\"square\",\"triangle\"]", session.Metadata["leannets.classes"]);
            // Three anchors per cell of the 2x2, 4x4 and 8x8 grids, each 5 + 3 values.
            int predictions = 3 * (2 * 2 + 4 * 4 + 8 * 8) * (5 + 3);
            Assert.Equal(predictions, session.Logits(new float[3 * 64 * 64], [1, 3, 64, 64]).Length);
        }
        // The ONNX file alone detects the same objects (its card gives size, classes and anchors).
        string viaFile = dir.File("drawn-file");
        (code, _, error) = CliTests.Run("detect", onnxFile, picture, "--threshold", "0.001", "--out", viaFile);
        Assert.True(code == 0, error);
        using (var fileJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(viaFile, "detections.json"))))
            AssertSameObjects(Objects(json.RootElement[0]), Objects(fileJson.RootElement[0]));
        // The weight file alone names its model too (its card): the same objects.
        string viaWeights = dir.File("drawn-weights");
        (code, _, error) = CliTests.Run(
            "detect", Path.Combine(run, "best.safetensors"), picture, "--threshold", "0.001", "--out", viaWeights);
        Assert.True(code == 0, error);
        using (var weightsJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(viaWeights, "detections.json"))))
            AssertSameObjects(Objects(json.RootElement[0]), Objects(weightsJson.RootElement[0]));
        // `predict` classifies: the detector's files are refused in one line that says what they are.
        foreach (string file in new[] { onnxFile, Path.Combine(run, "best.safetensors") })
        {
            var refused = CliTests.Run("predict", file, picture);
            Assert.Equal(2, refused.Code);
            Assert.Contains("is a detector (yolov3_w25)", refused.Err);
            Assert.Single(refused.Err.Trim().Split('\n'));
        }

        // `eval` scores the best weights on the evaluation split (at the trained size, from the card) to the mAP
        // the run recorded for that epoch, with the per-class table, eval.json, pr.png and eval.html.
        string scored = dir.File("eval");
        (code, output, error) = CliTests.Run(
            "eval", "yolov3_w25", "--weights", Path.Combine(run, "best.safetensors"), "--data", data, "--task",
            "detect", "--output", scored
        );
        Assert.True(code == 0, error);
        Assert.Contains("triangle", output);
        var (bestMap, bestCoco) = epochs.Select(line =>
        {
            using var epoch = JsonDocument.Parse(line);
            var e = epoch.RootElement;
            return (e.GetProperty("map07").GetDouble(), e.GetProperty("map_coco").GetDouble());
        }).MaxBy(e => e.Item1);
        using (var evaluated = JsonDocument.Parse(File.ReadAllText(Path.Combine(scored, "eval.json"))))
        {
            Assert.Equal("val", evaluated.RootElement.GetProperty("split").GetString());
            Assert.Equal(64, evaluated.RootElement.GetProperty("input_size").GetInt32());
            // The same weights scored by the same code on the same split: equal up to round-off.
            Near.Equal(bestMap, evaluated.RootElement.GetProperty("map_voc07").GetDouble(), 1e-12);
            Near.Equal(bestCoco, evaluated.RootElement.GetProperty("map_coco").GetDouble(), 1e-12);
            foreach (var figure in new[] { "precision", "recall", "f1" })
                Assert.InRange(evaluated.RootElement.GetProperty(figure).GetDouble(), 0, 1);
            Assert.Equal(3, evaluated.RootElement.GetProperty("classes").GetArrayLength());
        }
        foreach (var file in new[] { "pr.png", "eval.html" })
            Assert.True(new FileInfo(Path.Combine(scored, file)).Length > 0, file);

        // A classifier's weights are refused in one line.
        string classifier = dir.File("classifier.safetensors");
        using (var other = LeanNets.Models.ModelRegistry.Create("vgnetg_1_0mp_cifar"))
            WeightFile.Write(classifier, StateDict.Of(other));
        (code, _, error) = CliTests.Run("detect", "yolov3_w25", "--weights", classifier, picture);
        Assert.Equal(1, code);
        Assert.Contains("not the weights of a YOLO-V3", error);
    }

    /// <summary>A run stopped after an epoch's last.ckpt (before its best weights and report) resumes to
    /// exactly the weights and history of a run that never stopped; a resume can also add epochs.</summary>
    [Fact]
    public void AKilledDetectorRunResumesToTheSameWeights()
    {
        using var dir = new TempFolder();
        var options = TinyRun(dir, epochs: 3) with { Seed = 5 };
        var whole = Trainer.Run(options, dir.File("whole"), [new RunReport()]);

        string run = dir.File("killed");
        var stop = new StopAtCommitStep(2, CommitSteps.LastWritten);
        Assert.Throws<OperationCanceledException>(() =>
            Trainer.Run(options, run, [new RunReport(), stop])
        );
        Assert.Equal(2, Checkpoint.ReadState(Path.Combine(run, Trainer.LastCheckpoint)).CompletedEpochs);
        Assert.Single(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")));
        File.WriteAllText(Path.Combine(run, "last.ckpt" + AtomicFile.TempSuffix), "half a write");
        var resumed = Trainer.Resume(new ResumeRequest(run), [new RunReport()]);

        Assert.Equal(
            whole.State.History.Select(e => (e.TrainLoss, e["map07"], e["map_area"], e.LearningRate)),
            resumed.State.History.Select(e => (e.TrainLoss, e["map07"], e["map_area"], e.LearningRate))
        );
        Assert.Equal(Weights(dir.File("whole")), Weights(run));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.Empty(Directory.GetFiles(run, "*" + AtomicFile.TempSuffix));
        foreach (var file in new[] { RunReport.Page, RunReport.Curves, DetectionRunPage.PrCurves, Trainer.BestWeights })
            Assert.True(new FileInfo(Path.Combine(run, file)).Length > 0, file);

        // More epochs, continued in another directory from the command line (the run knows its model, so the
        // resume names none); the source run is left as it was.
        var (code, _, error) = CliTests.Run(
            "train", "--resume", run, "--epochs", "4", "--output", dir.File("longer"), "--no-tensorboard");
        Assert.True(code == 0, error);
        Assert.Equal(4, Checkpoint.ReadState(Path.Combine(dir.File("longer"), Trainer.LastCheckpoint))
            .CompletedEpochs);
        Assert.Equal(3, Checkpoint.ReadState(Path.Combine(run, Trainer.LastCheckpoint)).CompletedEpochs);
        var e = Assert.Throws<LeanNetsUsageException>(() => Trainer.Resume(new ResumeRequest(run, Epochs: 2)));
        Assert.Contains("cannot resume to 2", e.Message);
    }

    /// <summary>Detection trains with everything the engine offers a classifier: AdamW, the weights' moving
    /// average (scored each epoch beside the model) and fine-tuning from another detector run's best weights;
    /// the run records them, and its resume keeps them.</summary>
    [Fact]
    public void ADetectorFineTunesWithAdamWAndAMovingAverage()
    {
        using var dir = new TempFolder();
        var first = Trainer.Run(TinyRun(dir, epochs: 1), dir.File("first"));
        string init = Path.Combine(first.RunDirectory, Trainer.BestWeights), run = dir.File("tuned");
        var (code, output, error) = CliTests.Run(
            "train", "yolov3_w25", "--data", dir.File("voc"), "--epochs", "1", "--batch-size", "4", "--input-size",
            "64", "--optimizer", "adamw", "--lr", "0.001", "--ema", "0.9", "--init-from", init, "--output", run,
            "--no-tensorboard"
        );
        Assert.True(code == 0, error);
        Assert.Contains($"initialised from {init}", output);
        Assert.Contains(" EMA ", output);
        var state = Checkpoint.ReadState(Path.Combine(run, Trainer.LastCheckpoint));
        Assert.Equal((OptimizerKind.AdamW, 0.9, init), (state.Options.Optimizer, state.Options.EmaDecay,
            state.Options.InitFrom));
        Assert.NotNull(state.History.Single().EmaScore);
        using (var line = JsonDocument.Parse(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Single()))
            Assert.True(line.RootElement.GetProperty("ema_score").GetDouble() >= 0);
        // The resume continues with AdamW's moments and the average from the checkpoint.
        (code, _, error) = CliTests.Run("train", "--resume", run, "--epochs", "2", "--no-tensorboard");
        Assert.True(code == 0, error);
        var resumed = Checkpoint.ReadState(Path.Combine(run, Trainer.LastCheckpoint));
        Assert.Equal(2, resumed.History.Count);
        // The best epoch is the average's, and the best files hold the average (what eval and export load from a
        // checkpoint as well), not the raw weights the checkpoint also keeps.
        Assert.Equal(resumed.History.MaxBy(m => m.EmaScore)!.Epoch, resumed.BestEpoch);
        string bestCheckpoint = Path.Combine(run, Trainer.BestCheckpoint);
        var (average, _) = Checkpoint.LoadModel(bestCheckpoint);
        using (average)
        using (var raw = TrainingTasks.CreateModel(resumed.Options))
        using (var best = WeightFile.Read(Path.Combine(run, Trainer.BestWeights)))
        {
            Checkpoint.Load(bestCheckpoint, raw);
            var averaged = average.state_dict();
            Assert.All(averaged, p => Assert.True(best.Tensors[p.Key].allclose(p.Value, 0, 0), p.Key));
            Assert.Contains(raw.state_dict(), p => !p.Value.allclose(averaged[p.Key], 0, 0));
        }
        // A classifier's weights do not fit a detector: one line, no run left behind.
        string classifier = dir.File("classifier.safetensors");
        using (var other = LeanNets.Models.ModelRegistry.Create("vgnetg_1_0mp_cifar"))
            WeightFile.Write(classifier, StateDict.Of(other));
        (code, _, error) = CliTests.Run(
            "train", "yolov3_w25", "--data", dir.File("voc"), "--epochs", "1", "--input-size", "64", "--init-from",
            classifier, "--output", dir.File("refused"));
        Assert.Equal(1, code);
        Assert.Contains("does not fit 'yolov3_w25'", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("refused")));
        // A classifier's weights start the backbone of a detector on that classifier (detection from a trained
        // classifier); a classifier without the three strides cannot carry the heads, in one line.
        (code, _, error) = CliTests.Run(
            "train", "yolov3_on_vgnetg_1_0mp_cifar", "--data", dir.File("voc"), "--epochs", "1", "--input-size", "64",
            "--init-from", classifier, "--output", dir.File("refused"));
        Assert.Equal(2, code);
        Assert.Contains("cannot carry YOLO-V3's heads", error);
        Assert.False(Directory.Exists(dir.File("refused")));
        // The backbone's card normalises the detector's inputs (a pretrained backbone sees what it was trained on):
        // the run records it, so its weights' card, evaluation and detection use it.
        string backbone = dir.File("backbone.safetensors");
        float[] mean = [0.5f, 0.4f, 0.3f], std = [0.25f, 0.2f, 0.3f];
        using (var other = LeanNets.Models.ModelRegistry.Create("vgnetg_1_0mp"))
            WeightFile.Write(backbone, StateDict.Of(other), new LeanNets.Models.ModelCard("vgnetg_1_0mp",
                LeanNets.Models.ModelCard.Classify, new LeanNets.Models.InputShape(3, 224, 224), mean, std,
                LeanNets.Models.ModelCard.Numbered(1000)));
        string tuned = dir.File("on-backbone");
        (code, output, error) = CliTests.Run(
            "train", "yolov3_on_vgnetg_1_0mp", "--data", dir.File("voc"), "--epochs", "1", "--batch-size", "4",
            "--input-size", "64", "--init-from", backbone, "--output", tuned, "--no-tensorboard");
        Assert.True(code == 0, error);
        Assert.Contains($"initialised from {backbone}", output);
        Assert.Contains("normalisation from backbone.safetensors's card", output);
        var tunedState = Checkpoint.ReadState(Path.Combine(tuned, Trainer.LastCheckpoint));
        Assert.Equal([.. mean, .. std], [.. tunedState.Options.Mean!, .. tunedState.Options.Std!]);
        var card = WeightFile.ReadCard(Path.Combine(tuned, Trainer.BestWeights))!;
        Assert.Equal([.. mean, .. std], [.. card.Mean, .. card.Std]);
        using (var trained = TrainedDetector.Load("yolov3_on_vgnetg_1_0mp", Path.Combine(tuned, Trainer.BestWeights)))
            Assert.Equal([.. mean, .. std], [.. trained.Normalisation.Mean, .. trained.Normalisation.Std]);
        var exported = ModelExport.Export("yolov3_on_vgnetg_1_0mp", Path.Combine(tuned, Trainer.BestWeights), null,
            new OnnxExportOptions(0, 0)).Proto;
        var onnxCard = LeanNets.Models.ModelCard.FromMetadata(
            exported.MetadataProps.ToDictionary(p => p.Key, p => p.Value), "export")!;
        Assert.Equal([.. mean, .. std], [.. onnxCard.Mean, .. onnxCard.Std]);
    }

    /// <summary>Data with a training split only trains on nine tenths and evaluates on the held-out tenth, says
    /// so at the start and records "auto" with the seed, so a resume holds out the same images. `--anchors auto`
    /// fits the anchors to the training boxes, prints them with their fit, and the run and its best weights' card
    /// carry them. Close-mosaic and multi-scale sides are said at the start and, with the shear, recorded in the
    /// run.</summary>
    [Fact]
    public void DataWithoutAnEvaluationSplitHoldsATenthOut()
    {
        using var dir = new TempFolder();
        SyntheticShapes.Write(dir.File("voc"), 10, "train", 64, seed: 5);
        var (code, output, error) = CliTests.Run(
            "train", "yolov3_w25", "--data", dir.File("voc"), "--epochs", "2", "--batch-size", "3", "--input-size",
            "64", "--anchors", "auto", "--mosaic", "0.5", "--close-mosaic", "1", "--shear", "5", "--multi-scale",
            "0.5", "--output", dir.File("run"), "--no-tensorboard");
        Assert.True(code == 0, error);
        Assert.Contains("multi-scale training: each batch at 32, 64, 96 px, drawn at random", output);
        Assert.Contains("mosaics (chance 0.5) in epochs 1-1, whole pictures in the last 1", output);
        Assert.Contains("the data has no evaluation split: 1 of its 10 training images (10%) are held out", output);
        Assert.Contains("3 batches of 3", output); // 9 images train (10 would make 4 batches)
        Assert.Contains("anchors fitted to ", output);
        Assert.Contains("mean best IoU", output);
        var state = Checkpoint.ReadState(Path.Combine(dir.File("run"), Trainer.LastCheckpoint));
        Assert.Equal(VocDataset.AutoSplit, state.Options.EvalSplit);
        Assert.Equal((1, 5.0, 0.5), (state.Options.DetectionAugment!.CloseMosaic, state.Options.DetectionAugment.Shear,
            state.Options.DetectionAugment.MultiScale));
        var anchors = state.Options.Anchors!;
        Assert.Equal(9, anchors.Count);
        Assert.NotEqual(YoloLayout.DefaultAnchors[0].Width, anchors[0][0]);
        var card = WeightFile.ReadCard(Path.Combine(dir.File("run"), Trainer.BestWeights))!;
        Assert.Equal(anchors.Select(a => (a[0], a[1])), card.Anchors!.Select(a => (a[0], a[1])));
        // A mosaic needs four pictures: three (after the held-out one) are refused in one line.
        SyntheticShapes.Write(dir.File("four"), 4, "train", 64, seed: 6);
        (code, _, error) = CliTests.Run("train", "yolov3_w25", "--data", dir.File("four"), "--input-size", "64",
            "--mosaic", "0.5", "--output", dir.File("refused"));
        Assert.Equal(2, code);
        Assert.Contains("--mosaic needs at least 4 training images to make one of, and the data has 3", error);
        Assert.False(Directory.Exists(dir.File("refused")));
        // Close-mosaic that would leave no epoch with mosaics, or with no mosaic to close, is refused likewise.
        (code, _, error) = CliTests.Run("train", "yolov3_w25", "--data", dir.File("voc"), "--input-size", "64",
            "--epochs", "3", "--mosaic", "0.5", "--close-mosaic", "3", "--output", dir.File("refused"));
        Assert.Equal(2, code);
        Assert.Contains("--close-mosaic 3 leaves no epoch of the 3 with mosaics", error);
        (code, _, error) = CliTests.Run("train", "yolov3_w25", "--data", dir.File("voc"), "--input-size", "64",
            "--close-mosaic", "1", "--output", dir.File("refused"));
        Assert.Equal(2, code);
        Assert.Contains("no --mosaic chance is given", error);
        Assert.False(Directory.Exists(dir.File("refused")));
    }

    /// <summary>Issue 24, rows 6 and 8: an unreadable picture, or a truncated one (it used to decode silently into
    /// a partly grey image), stops a detector run naming the file, or is skipped and counted with --skip-bad.
    /// </summary>
    [Fact]
    public void UnreadableAndTruncatedPicturesAreNamedOrSkipped()
    {
        using var dir = new TempFolder();
        var options = TinyRun(dir, epochs: 1);
        var pictures = Directory.GetFiles(Path.Combine(options.Data, "JPEGImages"), "train-*").Order().ToList();
        var whole = File.ReadAllBytes(pictures[1]);
        File.WriteAllBytes(pictures[1], whole[..(whole.Length / 3)]);
        Assert.Null(LeanNets.Data.ImageFolderDataset.TryDecode(pictures[1], out _, out _));
        string[] common = ["train", "yolov3_w25", "--data", options.Data, "--epochs", "1", "--input-size", "64",
            "--batch-size", "4", "--no-tensorboard"];
        var (code, _, error) = CliTests.Run([.. common, "--output", dir.File("strict")]);
        Assert.Equal(1, code);
        Assert.Contains(Path.GetFileName(pictures[1]), error);
        Assert.Single(error.Trim().Split('\n'));

        File.WriteAllText(pictures[2], "not a picture");
        (code, var output, error) = CliTests.Run([.. common, "--skip-bad", "--output", dir.File("lenient")]);
        Assert.True(code == 0, error);
        Assert.Contains("skipped 2 unreadable images or bad annotations", output);

        // Evaluation reads pictures the same way: named, or skipped and counted with --skip-bad.
        string[] eval = ["eval", "yolov3_w25", "--weights", dir.File("lenient/best.safetensors"), "--data",
            options.Data, "--split", "train", "--input-size", "64", "--output", dir.File("eval")];
        (code, _, error) = CliTests.Run(eval);
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(Path.GetFileName(pictures[1]), error);
        (code, output, error) = CliTests.Run([.. eval, "--skip-bad"]);
        Assert.True(code == 0, error);
        Assert.Contains("skipped 2 unreadable images", output);
    }

    /// <summary>A broken annotation stops a detector run with one line naming the file, or is skipped and
    /// counted with --skip-bad.</summary>
    [Fact]
    public void BadAnnotationsAreNamedOrSkippedAndCounted()
    {
        using var dir = new TempFolder();
        var options = TinyRun(dir, epochs: 1);
        string broken = Path.Combine(options.Data, "Annotations", "train-0003.xml");
        File.WriteAllText(broken, "<annotation><object>");
        string[] common = ["train", "yolov3_w25", "--data", options.Data, "--epochs", "1", "--input-size", "64",
            "--batch-size", "4"];

        var (code, _, error) = CliTests.Run([.. common, "--output", dir.File("strict")]);
        Assert.Equal(1, code);
        Assert.Contains("train-0003.xml", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("strict")));

        (code, var output, error) = CliTests.Run([.. common, "--skip-bad", "--output", dir.File("lenient")]);
        Assert.True(code == 0, error);
        Assert.Contains("skipped 1 unreadable images or bad annotations", output);
    }

    /// <summary>A few seconds of detector training: yolov3_w25 on 8 + 4 synthetic 64x64 shape pictures.</summary>
    internal static TrainOptions TinyRun(TempFolder dir, int epochs)
    {
        string data = dir.File("voc");
        SyntheticShapes.Write(data, 8, "train", 64, seed: 1);
        SyntheticShapes.Write(data, 4, "val", 64, seed: 2);
        return TrainingTasks.Defaults("yolov3_w25", data) with { Epochs = epochs, BatchSize = 4, InputSize = 64 };
    }

    private static float[] Weights(string run)
    {
        using var model = LeanNets.Models.Detection.DetectorRegistry.Get("yolov3_w25").Create(numClasses: 3);
        Checkpoint.Load(Path.Combine(run, Trainer.LastCheckpoint), model);
        return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Theory]
    [InlineData("--augment", "cifar", "--augment cifar is for classifiers")]
    [InlineData("--task", "classify", "yolov3_w25 is a detector")]
    [InlineData("--recipe", "cifar", "--recipe is not used when training a detector")]
    [InlineData("--input-size", "100", "input size")]
    public void DetectorOptionsAreChecked(string option, string value, string expected)
    {
        using var dir = new TempFolder();
        SyntheticShapes.Write(dir.File("voc"), 2);
        var (code, _, error) = CliTests.Run("train", "yolov3_w25", "--data", dir.File("voc"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    /// <summary>The same objects from two engines. Their raw outputs agree within 1e-4 (the export parity test);
    /// a score is a product of two sigmoids (slope at most 1/4 each), so it moves by under 1e-4, and a box corner
    /// (at most 64 px, an exponential of the raw size) by well under 0.01 px. A detection this close to the 0.001
    /// threshold may be kept by one engine only, so each side's objects clear of it must be found on the
    /// other. The decoder keeps at most 100 objects, so when a side is full only objects clear of its lowest
    /// score are compared (two near-equal ones at rank 100 may be cut differently).</summary>
    private static void AssertSameObjects(List<DetectedObject> eager, List<DetectedObject> onnx)
    {
        const double scoreTolerance = 2e-4, pixelTolerance = 0.01;
        double Floor(List<DetectedObject> side) =>
            (side.Count >= 100 ? Math.Max(0.001, side.Min(o => o.Score)) : 0.001) + scoreTolerance;
        double floor = Math.Max(Floor(eager), Floor(onnx));
        foreach (var (from, to) in new[] { (eager, onnx), (onnx, eager) })
            foreach (var a in from.Where(o => o.Score > floor))
                Assert.Contains(to, b =>
                    b.Class == a.Class
                    && Math.Abs(b.Score - a.Score) <= scoreTolerance
                    && b.Box.Zip(a.Box).All(p => Math.Abs(p.First - p.Second) <= pixelTolerance)
                );
        Assert.NotEmpty(eager);
    }

    private sealed record DetectedObject(string Class, double Score, double[] Box);

    private static List<DetectedObject> Objects(JsonElement image) =>
        image
            .GetProperty("objects")
            .EnumerateArray()
            .Select(o => new DetectedObject(
                o.GetProperty("class").GetString()!,
                o.GetProperty("score").GetDouble(),
                o.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray()
            ))
            .ToList();
}
