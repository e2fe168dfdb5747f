using System.Text.RegularExpressions;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>Renders the HTML report in real headless Chromium (/usr/bin/chromium), offline.</summary>
public sealed partial class DiffHtmlChromiumTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("driftwatch-report-");

    public void Dispose() => _dir.Delete(recursive: true);

    [ChromiumFact]
    public async Task RenderHtml_InChromium_ChartsDrawnScriptsRanNoConsoleErrors()
    {
        const int Charts = 6;
        var report = Path.Combine(_dir.FullName, "report.html");
        await File.WriteAllTextAsync(report, DiffHtmlRenderer.Render(DiffRendererTests.DriftedDiff(), maxCharts: Charts));

        var (exitCode, dom, stderr) = await HeadlessChromium.RunAsync(["--dump-dom"], new Uri(report).AbsoluteUri, Timeout);

        Assert.Equal(0, exitCode);
        Assert.Empty(HeadlessChromium.ConsoleProblems(stderr));
        Assert.Contains($"data-report-ready=\"{Charts}\"", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"significant-only\"", dom, StringComparison.Ordinal);
        Assert.Equal(Charts, ChartTag().Count(dom));
        Assert.True(BarTag().Count(dom) >= 8, "bars missing from the DOM");
        Assert.Contains("<polyline class=\"curve candidate\"", dom, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task RenderHtml_ScreenshotInChromium_NotBlankAndShowsBothSeriesColours()
    {
        var report = Path.Combine(_dir.FullName, "report.html");
        var blank = Path.Combine(_dir.FullName, "blank.html");
        await File.WriteAllTextAsync(report, DiffHtmlRenderer.Render(DiffRendererTests.DriftedDiff(), maxCharts: 6));
        await File.WriteAllTextAsync(blank, "<!DOCTYPE html><html><body></body></html>");

        var reportPixels = await ScreenshotAsync(report);
        var blankPixels = await ScreenshotAsync(blank);

        Assert.True(blankPixels.DistinctColours() <= 2, "the blank page is expected to be one colour");
        Assert.True(reportPixels.DistinctColours() > 50, $"only {reportPixels.DistinctColours()} colours: the report looks blank");
        Assert.True(reportPixels.CountNear(0x4c78a8) > 2_000, "baseline bars (#4c78a8) not drawn");
        Assert.True(reportPixels.CountNear(0xf58518) > 2_000, "candidate bars (#f58518) not drawn");
    }

    [ChromiumFact]
    public async Task ConsoleProblems_PageWithScriptError_Detected()
    {
        // Guards the check above: a broken script must show up in the log the assertions read.
        var page = Path.Combine(_dir.FullName, "broken.html");
        await File.WriteAllTextAsync(page, "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>");

        var (_, _, stderr) = await HeadlessChromium.RunAsync(["--dump-dom"], new Uri(page).AbsoluteUri, Timeout);

        Assert.Contains(HeadlessChromium.ConsoleProblems(stderr), static line => line.Contains("undefinedFunction", StringComparison.Ordinal));
    }

    private async Task<PngPixels> ScreenshotAsync(string page)
    {
        var png = Path.Combine(_dir.FullName, Path.GetFileNameWithoutExtension(page) + ".png");
        var (exitCode, _, stderr) = await HeadlessChromium.RunAsync([$"--screenshot={png}", "--window-size=1280,1400"], new Uri(page).AbsoluteUri, Timeout);
        Assert.True(exitCode == 0 && File.Exists(png), $"screenshot failed ({exitCode}): {stderr}");
        return PngPixels.Decode(await File.ReadAllBytesAsync(png));
    }

    [GeneratedRegex("<svg class=\"chart ")]
    private static partial Regex ChartTag();

    [GeneratedRegex("<rect class=\"bar ")]
    private static partial Regex BarTag();
}
