using System.Globalization;
using LeanNets.Data.Detection;
using LeanNets.Inference;
using LeanNets.Loading;
using LeanNets.Reports;
using LeanNets.Reports.Viz;
using LeanNets.Training;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using SkiaSharp;

namespace LeanNets.Tests.Reports;

/// <summary>
/// The report page in a real browser: Debian's Chromium, headless, driven by ChromeDriver (both installed by
/// scripts/test.sh). Skipped with a message only when they are absent outside CI; in CI their absence fails.
/// </summary>
public class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium",
        Driver = "/usr/bin/chromedriver";

    [SkippableFact]
    public void ReportPageLoadsEveryImageWithoutConsoleErrors()
    {
        RequireChromium();
        using var dir = new TempFolder();
        string image = VizReportTests.Picture(dir), folder = dir.File("report");
        var subjects = new[]
        {
            LoadedModel.FromRegistry("vgnetg_1_0mp_cifar"),
            LoadedModel.FromRegistry("mobilenetv2_cifar"),
        };
        try
        {
            var shown = new VizOptions { Images = [image], TopClasses = 1, MaxKernelsPerLayer = 16 };
            VizReport.Write(subjects, shown, folder);
        }
        finally
        {
            foreach (var s in subjects)
                s.Dispose();
        }
        using var driver = Open(dir, Path.Combine(folder, VizReport.PageName));
        AssertHealthy(driver, minImages: 21, "viz-report.png");
    }

    /// <summary>A detector run's report: the loss/mAP chart and the precision-recall chart load, and the best
    /// mAP shown is the run's.</summary>
    [SkippableFact]
    public void DetectorRunReportShowsItsChartsAndBestMap()
    {
        RequireChromium();
        using var dir = new TempFolder();
        string run = dir.File("run");
        var options = Training.DetectionTrainingTests.TinyRun(dir, epochs: 2);
        var result = Trainer.Run(options, run, [new RunReport()]);
        using var driver = Open(dir, Path.Combine(run, RunReport.Page));
        AssertHealthy(driver, minImages: 2, "detector-report.png");
        double best = result.State.History.Max(e => e["map07"]);
        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"{100 * best:F1}%"),
            driver.FindElement(By.Id("best-map")).Text
        );
        // The AP table: a header, one row per shape class, the mean.
        Assert.Equal(1 + SyntheticShapes.Classes.Length + 1, driver.FindElements(By.CssSelector("table.ap tr")).Count);
    }

    private static void RequireChromium()
    {
        bool present = File.Exists(Chromium) && File.Exists(Driver);
        if (!present && Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            Assert.Fail($"{Chromium} and {Driver} are required in CI (scripts/test.sh installs them)");
        Skip.IfNot(present, $"Chromium not installed ({Chromium}, {Driver}): run scripts/test.sh as root");
    }

    /// <summary>Headless Chromium showing a local page, its console log kept.</summary>
    private static ChromeDriver Open(TempFolder dir, string page)
    {
        var service = ChromeDriverService.CreateDefaultService(
            Path.GetDirectoryName(Driver)!,
            Path.GetFileName(Driver)
        );
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,1000",
            $"--user-data-dir={dir.File("profile")}"
        );
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
        driver.Navigate().GoToUrl(new Uri(page).AbsoluteUri);
        return driver;
    }

    /// <summary>Loaded, every image decoded, no dead in-page link, nothing fetched from the network, no console
    /// warning; a screenshot is kept in the test output's browser folder.</summary>
    private static void AssertHealthy(ChromeDriver driver, int minImages, string screenshot)
    {
        var js = (IJavaScriptExecutor)driver;
        Assert.Equal("complete", js.ExecuteScript("return document.readyState"));

        long images = (long)js.ExecuteScript("return document.images.length")!;
        Assert.True(images >= minImages, $"only {images} images");
        var broken = List(js,
            "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)");
        Assert.Empty(broken);
        var deadLinks = List(js,
            "return Array.from(document.querySelectorAll('a[href^=\"#\"]'))"
            + ".filter(a => !document.getElementById(a.getAttribute('href').slice(1))).map(a => a.href)");
        Assert.Empty(deadLinks);
        var remote = List(js,
            "return performance.getEntriesByType('resource').map(r => r.name).filter(n => !n.startsWith('file:'))");
        Assert.Empty(remote);
        var errors = driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.Message)));

        string shot = Path.Combine(AppContext.BaseDirectory, "browser", screenshot);
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        driver.GetScreenshot().SaveAsFile(shot);
        using var picture = SKBitmap.Decode(shot);
        Assert.True(picture is { Width: >= 1000, Height: > 500 });
    }

    private static IReadOnlyCollection<object> List(IJavaScriptExecutor js, string script) =>
        js.ExecuteScript(script) as IReadOnlyCollection<object> ?? throw new InvalidOperationException(script);
}
