using System.Text.RegularExpressions;
using DriftWatch.Core.Sync;
using DriftWatch.Core.Tests.Snapshots;

namespace DriftWatch.Core.Tests.Sync;

/// <summary>The sync plan page rendered in real headless Chromium (/usr/bin/chromium), offline.</summary>
public sealed partial class StateSyncHtmlChromiumTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("driftwatch-sync-page-");

    public void Dispose() => _dir.Delete(recursive: true);

    [ChromiumFact]
    public async Task Html_InChromium_OneRowPerKeyLinkedRowHighlightedNoConsoleErrors()
    {
        var plan = StateSyncPlannerTests.SamplePlan();
        var page = Path.Combine(_dir.FullName, "plan.html");
        await File.WriteAllTextAsync(page, StateSyncRenderers.Html(plan));

        var (exitCode, dom, stderr) = await HeadlessChromium.RunAsync(["--dump-dom"], new Uri(page).AbsoluteUri, Timeout);

        Assert.Equal(0, exitCode);
        Assert.Empty(HeadlessChromium.ConsoleProblems(stderr));
        Assert.Equal(plan.Differences.Count, BodyRow().Count(dom));
        Assert.Single(HighlightedRow().Matches(dom));
        Assert.Contains("<td>route/urgency=high</td>", dom, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Html_ScreenshotInChromium_NotBlankAndLinkedRowShaded()
    {
        var page = Path.Combine(_dir.FullName, "plan.html");
        await File.WriteAllTextAsync(page, StateSyncRenderers.Html(StateSyncPlannerTests.SamplePlan()));
        var png = Path.Combine(_dir.FullName, "plan.png");

        var (exitCode, _, stderr) = await HeadlessChromium.RunAsync([$"--screenshot={png}", "--window-size=1280,600"], new Uri(page).AbsoluteUri, Timeout);

        Assert.True(exitCode == 0 && File.Exists(png), $"screenshot failed ({exitCode}): {stderr}");
        var pixels = PngPixels.Decode(await File.ReadAllBytesAsync(png));
        Assert.True(pixels.DistinctColours() > 20, $"only {pixels.DistinctColours()} colours: the page looks blank");
        Assert.True(pixels.CountNear(0xfff4f0) > 1_000, "the linked key's row (#fff4f0) is not shaded");
    }

    [GeneratedRegex("<tr(?: class=\"significant\")?><td>")]
    private static partial Regex BodyRow();

    [GeneratedRegex("<tr class=\"significant\">")]
    private static partial Regex HighlightedRow();
}
