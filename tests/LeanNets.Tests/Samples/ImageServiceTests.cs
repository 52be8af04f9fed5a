using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LeanNets.Export;
using LeanNets.Inference;
using LeanNets.Inference.Detection;
using LeanNets.Models.Detection;
using Xunit.Abstractions;

namespace LeanNets.Tests.Samples;

/// <summary>
/// The service sample (samples/ImageService) as a deployment runs it: started as its own process on a free loopback
/// port with a classifier's and a detector's ONNX files, then health, model info, a multipart upload, bad uploads
/// (empty, not a picture, over the size limit) and a bounded concurrent load (8 clients x 200 classifications and
/// 8 x 10 detections), every answer checked against the library's own in this process. Throughput, latency
/// percentiles and the service's peak resident memory are printed (and written as JSON to
/// $LEANNETS_SERVICE_LOAD_JSON when set: docs/deploy.md's figures).
/// </summary>
public class ImageServiceTests(ITestOutputHelper log)
{
    private const int Clients = 8, Classifications = 200, Detections = 10, MaxUploadMb = 1;

    [Fact]
    public async Task ServesClassificationsAndDetectionsUnderConcurrentLoad()
    {
        using var dir = new TempFolder();
        string classifierFile = dir.File("classifier.onnx"), detectorFile = dir.File("detector.onnx");
        ModelExport.Save("vgnetg_1_0mp_cifar", null, null, new OnnxExportOptions(0, 0), classifierFile);
        ModelExport.Save("yolov3_w25", null, 64, new OnnxExportOptions(0, 0), detectorFile);
        byte[] photo = File.ReadAllBytes(RepositoryRoot.File("data", "photos", "raccoon-12.jpg"));
        ImagePrediction expected;
        IReadOnlyList<DetectedObject> expectedObjects;
        using (var classifier = ImageClassifier.FromOnnxFile(classifierFile))
            expected = classifier.Classify(photo, "upload", top: 3);
        using (var detector = ObjectDetector.FromOnnxFile(detectorFile, threshold: 0.01f))
            expectedObjects = detector.Detect(photo, "upload");

        var address = new TaskCompletionSource<(string Url, Process Process)>();
        var start = ChildProcess.Start("dotnet", [SamplesTests.Dll("ImageService"), "--classifier", classifierFile,
            "--detector", detectorFile, "--threshold", "0.01", "--urls", "http://127.0.0.1:0", "--max-upload-mb",
            MaxUploadMb.ToString(CultureInfo.InvariantCulture)]);
        var service = Task.Run(() => ChildProcess.Run(start, TimeSpan.FromMinutes(4), (line, process) =>
        {
            if (line.StartsWith("listening on ", StringComparison.Ordinal))
                address.TrySetResult((line["listening on ".Length..].Split(' ')[0], process));
        }));
        var ready = await Task.WhenAny(address.Task, service, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.True(ready == address.Task, $"the service did not start: {(ready == service ? await service : "")}");
        var (url, process) = await address.Task;
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            Assert.Equal("ok", (await Json(http.GetAsync("/health"))).GetProperty("status").GetString());
            var models = await Json(http.GetAsync("/models"));
            Assert.Equal("vgnetg_1_0mp_cifar", models.GetProperty("classifier").GetProperty("model").GetString());
            Assert.Equal("3x64x64", models.GetProperty("detector").GetProperty("input").GetString());

            // A multipart form's file is classified under its file name.
            using (var form = new MultipartFormDataContent())
            {
                var file = new ByteArrayContent(photo);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(file, "image", "raccoon-12.jpg");
                var answer = await Json(http.PostAsync("/classify?top=3", form));
                Assert.Equal("raccoon-12.jpg", answer.GetProperty("image").GetString());
                Same(expected, answer);
            }
            // Bad uploads: 400 or 413 with a message naming the problem.
            await Refused(http, [], HttpStatusCode.BadRequest, "empty body");
            await Refused(http, "not a picture"u8.ToArray(), HttpStatusCode.BadRequest, "unreadable");
            await Refused(http, new byte[MaxUploadMb * 1024 * 1024 + 1], HttpStatusCode.RequestEntityTooLarge,
                "limit");

            // Warm-up (JIT, ONNX Runtime's first runs, Kestrel's connections), then the timed load.
            var warm = await Task.WhenAll(Enumerable.Range(0, Clients).SelectMany(_ => new[] { "/classify", "/detect" })
                .Select(path => http.PostAsync(path, new ByteArrayContent(photo))));
            foreach (var response in warm)
                response.Dispose();
            var latencies = new List<double>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                for (int i = 0; i < Classifications + Detections; i++)
                {
                    bool detect = i >= Classifications;
                    var watch = Stopwatch.StartNew();
                    using var body = new ByteArrayContent(photo);
                    var answer = await Json(http.PostAsync(detect ? "/detect" : "/classify?top=3", body));
                    double ms = watch.Elapsed.TotalMilliseconds;
                    if (detect)
                        SameObjects(expectedObjects, answer);
                    else
                    {
                        Same(expected, answer);
                        lock (latencies)
                            latencies.Add(ms);
                    }
                }
            })));
            double seconds = clock.Elapsed.TotalSeconds;
            Assert.Equal(Clients * Classifications, latencies.Count);
            latencies.Sort();
            double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, p * latencies.Count)];
            // ONNX Runtime only: after all that work the service has not mapped libtorch.
            string maps = File.ReadAllText($"/proc/{process.Id}/maps");
            Assert.Contains("libonnxruntime.so", maps);
            Assert.DoesNotContain("libtorch", maps);
            process.Kill(entireProcessTree: true);
            var result = await service;
            var figures = new Dictionary<string, object>
            {
                ["clients"] = Clients,
                ["classifications"] = Clients * Classifications,
                ["detections"] = Clients * Detections,
                ["seconds"] = Math.Round(seconds, 2),
                ["requests_per_second"] = Math.Round(Clients * (Classifications + Detections) / seconds, 1),
                ["classify_ms_p50"] = Math.Round(Percentile(0.50), 2),
                ["classify_ms_p90"] = Math.Round(Percentile(0.90), 2),
                ["classify_ms_p99"] = Math.Round(Percentile(0.99), 2),
                ["classify_ms_max"] = Math.Round(latencies[^1], 2),
                ["service_peak_resident_mb"] = Math.Round(result.PeakResidentBytes / 1e6, 1),
            };
            string json = JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true });
            log.WriteLine(json);
            if (Environment.GetEnvironmentVariable("LEANNETS_SERVICE_LOAD_JSON") is { Length: > 0 } report)
                File.WriteAllText(report, json + "\n");
            Assert.InRange(result.PeakResidentBytes, 1, 600_000_000);
        }
        finally
        {
            // A failed check leaves the service running: stop it (once it has exited, the process is disposed).
            if (!service.IsCompleted)
                process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<JsonElement> Json(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static async Task Refused(HttpClient http, byte[] body, HttpStatusCode status, string reason)
    {
        using var response = await http.PostAsync("/classify", new ByteArrayContent(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(reason, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    /// <summary>The service's classes and probabilities are the library's for the same bytes.</summary>
    private static void Same(ImagePrediction expected, JsonElement answer)
    {
        var top = answer.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(expected.Top.Select(p => p.Name), top.Select(t => t.GetProperty("name").GetString()));
        foreach (var (p, t) in expected.Top.Zip(top))
            Assert.Equal(p.Probability, t.GetProperty("probability").GetDouble(), 1e-6);
    }

    private static void SameObjects(IReadOnlyList<DetectedObject> expected, JsonElement answer)
    {
        var found = answer.EnumerateArray().ToList();
        Assert.Equal(expected.Count, found.Count);
        foreach (var (e, f) in expected.Zip(found))
        {
            Assert.Equal(e.Class, f.GetProperty("class").GetInt32());
            Assert.Equal(e.Score, f.GetProperty("score").GetSingle(), 1e-5);
            Assert.Equal(e.Box.X1, f.GetProperty("box").GetProperty("x1").GetSingle(), 1e-3);
            Assert.Equal(e.Box.Y2, f.GetProperty("box").GetProperty("y2").GetSingle(), 1e-3);
        }
    }
}
