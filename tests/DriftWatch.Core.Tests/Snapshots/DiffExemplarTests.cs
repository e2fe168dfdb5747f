using System.Text.Json;
using DriftWatch.Core.Exemplars;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class DiffExemplarTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("driftwatch-exemplars-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Exemplars_MisroutedSegment_BaselineAndCandidateDecisionsOfTheRootSegment()
    {
        var diff = DiffRendererTests.DriftedDiff();

        var exemplars = Assert.IsType<ExemplarSet>(diff.Exemplars);

        Assert.Equal(diff.RootSegments[0].Segment, exemplars.Segment);
        Assert.Equal(3, exemplars.Reference.Count);
        Assert.Equal(3, exemplars.Drifted.Count);
        Assert.All(exemplars.Reference, e => Assert.InRange(e.Timestamp, diff.Baseline.From!.Value, diff.Baseline.To!.Value));
        Assert.All(exemplars.Drifted, e => Assert.InRange(e.Timestamp, diff.Candidate.From!.Value, diff.Candidate.To!.Value));
        Assert.All(exemplars.Reference.Concat(exemplars.Drifted), e => Assert.InRange(e.InputText!.Length, 1, SnapshotExemplars.MaxTextLength));
    }

    [Fact]
    public void Render_DriftedDiff_TextJsonAndHtmlShowTheExemplars()
    {
        var diff = DiffRendererTests.DriftedDiff();
        var exemplars = diff.Exemplars!;

        string text = DiffTextRenderer.Render(diff);
        using var json = JsonDocument.Parse(DiffJsonRenderer.Render(diff));
        string html = DiffHtmlRenderer.Render(diff);

        Assert.Contains($"example decisions, {exemplars.Segment}", text, StringComparison.Ordinal);
        Assert.Contains(exemplars.Drifted[0].EventId, text, StringComparison.Ordinal);
        var written = json.RootElement.GetProperty("exemplars");
        Assert.Equal(exemplars.Segment, written.GetProperty("segment").GetString());
        Assert.Equal(exemplars.Reference[0].EventId, written.GetProperty("reference")[0].GetProperty("event_id").GetString());
        Assert.Equal(3, written.GetProperty("drifted").GetArrayLength());
        Assert.Contains("<table id=\"exemplars\"", html, StringComparison.Ordinal);
        Assert.Equal(6, html.Split("<tr class=\"exemplar ").Length - 1);
    }

    [Fact]
    public void Merge_TwoHalves_SameExemplarsAsOneSnapshotOfAll()
    {
        var events = SnapshotTestData.Events(seed: 3, count: 2_000);

        var whole = SnapshotTestData.Snapshot(events);
        var merged = BehaviourSnapshot.Merge(SnapshotTestData.Snapshot(events.Take(700)), SnapshotTestData.Snapshot(events.Skip(700)));

        Assert.NotEmpty(whole.Exemplars);
        Assert.Equal(whole.Exemplars.Keys, merged.Exemplars.Keys);
        foreach (var (segment, list) in whole.Exemplars)
        {
            Assert.Equal(list, merged.Exemplars[segment]);
        }
    }

    [Fact]
    public void FromJson_SnapshotWithExemplars_RoundTripsWithTheSameId()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 4, count: 500));

        var read = BehaviourSnapshot.FromJson(snapshot.ToJson());

        Assert.Equal(snapshot.Id, read.Id);
        Assert.Equal(snapshot.Exemplars[ExemplarSet.AllSegments], read.Exemplars[ExemplarSet.AllSegments]);
    }

    [Fact]
    public void Build_NoExemplarsConfigured_JsonHasNoExemplarsAndDiffShowsNone()
    {
        var options = new SnapshotOptions { ExemplarsPerSegment = 0 };
        var a = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 5, count: 500), options: options);

        Assert.Empty(a.Exemplars);
        Assert.DoesNotContain("\"exemplars\"", a.ToJson(), StringComparison.Ordinal);
        Assert.Null(SnapshotDiff.Compute(a, a).Exemplars);
        Assert.DoesNotContain("id=\"exemplars\"", DiffHtmlRenderer.Render(SnapshotDiff.Compute(a, a)), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task RenderHtml_ScreenshotInChromium_ExemplarRowsDrawnInBothSideColours()
    {
        // No charts, so the bars cannot supply the colours: only the exemplar rows' side cells (and the legend) do.
        var withExemplars = DiffRendererTests.DriftedDiff();
        var withoutOptions = new SnapshotOptions { ExemplarsPerSegment = 0 };
        var without = SnapshotDiff.Compute(
            SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: 3_000), options: withoutOptions),
            SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 20, count: 3_000, InjectedDrift.MisroutingHighUrgency, DecisionEventGenerator.Start.AddHours(1)), options: withoutOptions));

        var shown = await ScreenshotAsync("with.html", DiffHtmlRenderer.Render(withExemplars, maxCharts: 0));
        var absent = await ScreenshotAsync("without.html", DiffHtmlRenderer.Render(without, maxCharts: 0));

        Assert.True(absent.CountNear(0xf58518) < 500, $"{absent.CountNear(0xf58518)} candidate-coloured pixels without exemplars");
        Assert.True(shown.CountNear(0x4c78a8) > 1_500, $"baseline exemplar rows not drawn ({shown.CountNear(0x4c78a8)} pixels)");
        Assert.True(shown.CountNear(0xf58518) > 1_500, $"candidate exemplar rows not drawn ({shown.CountNear(0xf58518)} pixels)");
    }

    private async Task<PngPixels> ScreenshotAsync(string name, string html)
    {
        var page = Path.Combine(_dir.FullName, name);
        await File.WriteAllTextAsync(page, html);
        var png = Path.ChangeExtension(page, ".png");
        var (exitCode, _, stderr) = await HeadlessChromium.RunAsync([$"--screenshot={png}", "--window-size=1280,1400"], new Uri(page).AbsoluteUri, Timeout);
        Assert.True(exitCode == 0 && File.Exists(png), $"screenshot failed ({exitCode}): {stderr}");
        return PngPixels.Decode(await File.ReadAllBytesAsync(png));
    }
}
