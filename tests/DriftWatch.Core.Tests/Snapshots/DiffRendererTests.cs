using System.Text.Json;
using System.Text.RegularExpressions;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed partial class DiffRendererTests
{
    private const InjectedDrift Several = InjectedDrift.MisroutingHighUrgency | InjectedDrift.SentimentCollapse | InjectedDrift.NewReplyVocabulary | InjectedDrift.LatencyCreep;

    // Snapshots are immutable, so the tests share one diff instead of regenerating the events each time.
    private static readonly Lazy<SnapshotDiff> Drifted = new(static () => SnapshotDiff.Compute(
        SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: 3_000)),
        SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 20, count: 3_000, Several, DecisionEventGenerator.Start.AddHours(1)))));

    internal static SnapshotDiff DriftedDiff() => Drifted.Value;

    [Fact]
    public void RenderText_Diff_ColumnsAlignedAndRanked()
    {
        var diff = DriftedDiff();

        var text = DiffTextRenderer.Render(diff, maxRows: 10);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.Single(static l => HeaderLine().IsMatch(l));
        var rows = lines.SkipWhile(l => l != header).Skip(1).Where(static l => char.IsDigit(l.TrimStart()[0])).ToList();
        Assert.Equal(10, rows.Count);
        var distanceEnd = header.IndexOf("distance", StringComparison.Ordinal) + "distance".Length;
        Assert.All(rows, row => Assert.Matches(@"^\d\.\d{3}$", row[(distanceEnd - 5)..distanceEnd]));
        Assert.Contains(diff.Changes[0].Feature, rows[0], StringComparison.Ordinal);
        Assert.Contains(diff.Baseline.Id, text, StringComparison.Ordinal);
        Assert.Contains($"{diff.Changes.Count - 10} more", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderText_IdenticalSnapshotsSignificantOnly_SaysNoChanges()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: 500));

        var text = DiffTextRenderer.Render(SnapshotDiff.Compute(snapshot, snapshot), significantOnly: true);

        Assert.Contains("no changes", text, StringComparison.Ordinal);
        Assert.Contains("drift score 0.000", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderJson_Diff_ParsesWithRankedChanges()
    {
        var diff = DriftedDiff();

        using var json = JsonDocument.Parse(DiffJsonRenderer.Render(diff));

        var root = json.RootElement;
        Assert.Equal(diff.Baseline.Id, root.GetProperty("baseline").GetProperty("id").GetString());
        Assert.Equal(diff.DriftScore, root.GetProperty("drift_score").GetDouble());
        var changes = root.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(diff.Changes.Count, changes.Count);
        Assert.Equal(diff.Changes[0].Feature, changes[0].GetProperty("feature").GetString());
        Assert.Equal(diff.Changes[0].TopShifts.Count, changes[0].GetProperty("top_shifts").GetArrayLength());
        Assert.Contains(changes, static c => c.TryGetProperty("segment", out var s) && s.GetString() == "input.features.urgency=high");
    }

    [Fact]
    public void RenderHtml_Diff_SelfContainedWithOneChartPerTopChange()
    {
        var diff = DriftedDiff();

        var html = DiffHtmlRenderer.Render(diff, maxCharts: 6);

        Assert.Equal(6, ChartTag().Count(html));
        Assert.Contains("cdf-chart", html, StringComparison.Ordinal);
        Assert.Contains("bar-chart", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.All(ExternalUrl().Matches(html), static m => Assert.Equal("http://www.w3.org/2000/svg", m.Value));
    }

    [Fact]
    public void RenderHtml_FeatureNameWithMarkup_Escaped()
    {
        var events = SnapshotTestData.Events(seed: 10, count: 200);
        var baseline = SnapshotTestData.Snapshot(events);
        var candidate = SnapshotTestData.Snapshot(events.Select(static e => e with { Labels = new Dictionary<string, string> { ["<img src=x>"] = "<script>alert(1)</script>" } }));

        var html = DiffHtmlRenderer.Render(SnapshotDiff.Compute(baseline, candidate));

        Assert.DoesNotContain("<img src=x>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x&gt;", html, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^#\s+feature\s+kind\s+distance")]
    private static partial Regex HeaderLine();

    [GeneratedRegex("<svg class=\"chart ")]
    private static partial Regex ChartTag();

    [GeneratedRegex(@"https?://[^\s""'<>)]+")]
    private static partial Regex ExternalUrl();
}
