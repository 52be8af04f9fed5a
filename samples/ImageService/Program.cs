// An HTTP service for LeanNets ONNX files: POST a picture (the request body, or a multipart form's file) to
// /classify or /detect and get JSON back. It references the runtime package only (ONNX Runtime, no TorchSharp),
// and each model file's card says how pictures become its inputs. GET /health answers while the service is up;
// GET /models describes the models. A body that is not a picture is answered 400 with a message, one over the
// size limit 413.
// Usage: ImageService --classifier FILE.onnx [--detector FILE.onnx] [--urls http://127.0.0.1:5000]
//        [--max-upload-mb 8] [--threshold 0.25]
using System.Globalization;
using LeanNets;
using LeanNets.Inference;
using LeanNets.Inference.Detection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var builder = WebApplication.CreateSlimBuilder(args);
var settings = builder.Configuration;
string? classifierFile = settings["classifier"], detectorFile = settings["detector"];
if (classifierFile == null && detectorFile == null)
{
    Console.Error.WriteLine("usage: ImageService --classifier FILE.onnx [--detector FILE.onnx] [--urls URL] "
        + "[--max-upload-mb 8] [--threshold 0.25]");
    return 2;
}
long maxUpload = (long)(double.Parse(settings["max-upload-mb"] ?? "8", CultureInfo.InvariantCulture) * 1024 * 1024);
float threshold = float.Parse(settings["threshold"] ?? "0.25", CultureInfo.InvariantCulture);
builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxUpload);
builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = maxUpload);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

ImageClassifier? classifier;
ObjectDetector? detector;
try
{
    // Both are safe to call from many requests at once: ONNX Runtime sessions run concurrently.
    classifier = classifierFile != null ? ImageClassifier.FromOnnxFile(classifierFile) : null;
    detector = detectorFile != null ? ObjectDetector.FromOnnxFile(detectorFile, threshold: threshold) : null;
}
catch (LeanNetsException e)
{
    Console.Error.WriteLine($"ImageService: {e.Message}");
    return 1;
}

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.MapGet("/models", () => Results.Ok(new
{
    classifier = classifier == null ? null : new
    {
        file = Path.GetFileName(classifierFile),
        model = classifier.Card.Model,
        input = classifier.Card.Input.ToString(),
        classes = classifier.ClassNames,
        precision = classifier.Card.Precision ?? "float32",
    },
    detector = detector == null ? null : new
    {
        file = Path.GetFileName(detectorFile),
        input = $"3x{detector.InputSize}x{detector.InputSize}",
        classes = detector.ClassNames,
        threshold,
    },
    maxUploadBytes = maxUpload,
}));
app.MapPost("/classify", async (HttpRequest request, int? top) =>
{
    if (classifier == null)
        return Results.NotFound(new { error = "no classifier loaded (start with --classifier FILE.onnx)" });
    return await Answer(request, (bytes, name) =>
        Results.Ok(classifier.Classify(bytes, name, Math.Clamp(top ?? 5, 1, classifier.ClassNames.Count))));
});
app.MapPost("/detect", async (HttpRequest request) =>
{
    if (detector == null)
        return Results.NotFound(new { error = "no detector loaded (start with --detector FILE.onnx)" });
    return await Answer(request, (bytes, name) => Results.Ok(detector.Detect(bytes, name).Select(d => new
    {
        @class = d.Class,
        name = detector.ClassNames[d.Class],
        score = d.Score,
        box = new { x1 = d.Box.X1, y1 = d.Box.Y1, x2 = d.Box.X2, y2 = d.Box.Y2 },
    })));
});
app.Lifetime.ApplicationStopping.Register(() =>
{
    classifier?.Dispose();
    detector?.Dispose();
});
await app.StartAsync();
// The bound address, which is the one to call when --urls asked for port 0 (any free port).
var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
    .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
Console.WriteLine($"listening on {string.Join(" ", addresses)}");
await app.WaitForShutdownAsync();
return 0;

// The picture of a request (its body, or the first file of a multipart form), handed to the model; what is not a
// picture is a 400 with the reason, one over the limit a 413.
async Task<IResult> Answer(HttpRequest request, Func<byte[], string, IResult> run)
{
    try
    {
        byte[] bytes;
        string name;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            if (form.Files.Count == 0)
                return Results.BadRequest(new { error = "the form has no file: send the picture as a file field" });
            using var upload = new MemoryStream();
            await form.Files[0].CopyToAsync(upload);
            (bytes, name) = (upload.ToArray(), form.Files[0].FileName);
        }
        else
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            (bytes, name) = (body.ToArray(), "upload");
        }
        if (bytes.Length == 0)
            return Results.BadRequest(new { error = "empty body: send a PNG, JPEG, BMP, GIF or WebP picture" });
        return run(bytes, name);
    }
    catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
    {
        return Results.Json(new { error = $"the picture is over the {maxUpload:N0}-byte limit" },
            statusCode: StatusCodes.Status413PayloadTooLarge);
    }
    catch (InvalidDataException e)
    {
        // A multipart body over the form limit.
        return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status413PayloadTooLarge);
    }
    catch (BadImageException e)
    {
        return Results.BadRequest(new { error = e.Message });
    }
}
