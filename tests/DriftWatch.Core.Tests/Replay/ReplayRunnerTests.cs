using System.Text;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Replay;
using DriftWatch.Core.Tests.Detection;

namespace DriftWatch.Core.Tests.Replay;

public sealed class ReplayRunnerTests
{
    private const int Onset = 3100;

    private static string Recording()
    {
        var text = new StringBuilder();
        foreach (var e in new SupportStream(31, Drift.ConfidenceDrop, Onset).Take(Onset + 1000))
        {
            text.AppendLine(Encoding.UTF8.GetString(AgentEventWriter.ToUtf8Bytes(e)));
        }

        return text.ToString();
    }

    private static string WithBadLines(string recording)
    {
        var lines = recording.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        lines.Insert(10, "this is not json");
        lines.Insert(20, """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"a"}""");
        lines.Insert(30, "");
        var state = new StateEvent
        {
            EventId = "s1",
            AgentId = "support-router",
            Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 1, TimeSpan.Zero),
            Key = "model/calibration",
            Op = StateOperation.Set,
            Value = JsonDocument.Parse("{\"temperature\":0.7}").RootElement.Clone(),
        };
        lines.Insert(40, Encoding.UTF8.GetString(AgentEventWriter.ToUtf8Bytes(state)));
        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public async Task RunAsync_RecordingWithDriftAndBadLines_WritesContractAlertLinesAndReportsBadLines()
    {
        var bad = new List<BadLine>();
        var output = new StringWriter();

        var summary = await new ReplayRunner().RunAsync(new StringReader(WithBadLines(Recording())), output, bad.Add);

        Assert.Equal(Onset + 1000 + 4, summary.Lines);
        Assert.Equal(Onset + 1000, summary.DecisionEvents);
        Assert.Equal(1, summary.StateEvents);
        Assert.Equal(2, summary.BadLines);
        Assert.Equal([11L, 21L], bad.Select(b => b.LineNumber));
        Assert.All(bad, b => Assert.False(string.IsNullOrWhiteSpace(b.Reason)));
        string[] alertLines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(summary.Alerts, alertLines.Length);
        using var first = JsonDocument.Parse(alertLines[0]);
        var root = first.RootElement;
        Assert.Equal("support-router", root.GetProperty("agent_id").GetString());
        Assert.Equal("production", root.GetProperty("environment").GetString());
        Assert.Equal("decision.confidence", root.GetProperty("feature").GetString());
        Assert.Equal("ks", root.GetProperty("detector").GetString());
        Assert.True(root.GetProperty("score").GetDouble() > root.GetProperty("threshold").GetDouble());
        Assert.Contains(root.GetProperty("severity").GetString(), new[] { "warning", "critical" });
        var detectedAt = DateTimeOffset.Parse(root.GetProperty("detected_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var windowStart = DateTimeOffset.Parse(root.GetProperty("window_start").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(windowStart <= detectedAt);
        Assert.EndsWith("Z", root.GetProperty("window_end").GetString(), StringComparison.Ordinal);
        Assert.Equal("route", root.GetProperty("decision").GetString());
        Assert.Contains("decision.confidence", root.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("top_shifts").GetArrayLength() > 0);
    }

    [Fact]
    public async Task RunAsync_SameRecordingTwice_WritesIdenticalAlerts()
    {
        string recording = Recording();
        var first = new StringWriter();
        var second = new StringWriter();

        await new ReplayRunner().RunAsync(new StringReader(recording), first);
        await new ReplayRunner().RunAsync(new StringReader(recording), second);

        Assert.NotEmpty(first.ToString());
        Assert.Equal(first.ToString(), second.ToString());
    }

    [Fact]
    public async Task RunAsync_StepCallback_SeesWindowSummaries()
    {
        long windows = 0;

        var summary = await new ReplayRunner().RunAsync(new StringReader(Recording()), TextWriter.Null, onStep: step => windows += step.Windows.Count);

        Assert.Equal((Onset + 1000) / 250, summary.Windows);
        Assert.Equal(summary.Windows, windows);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new ReplayRunner().RunAsync(new StringReader(Recording()), TextWriter.Null, cancellationToken: cancellation.Token));
    }

    [Fact]
    public void AlertJson_NonFiniteScore_WritesNull()
    {
        var key = new BehaviourKey("a", "production", "route");
        var at = new DateTimeOffset(2026, 3, 2, 8, 52, 10, 120, TimeSpan.Zero);
        var alert = new DriftAlert(key, "decision.outcome", "chi2", double.PositiveInfinity, 18.5, AlertSeverity.Critical, at, at.AddMinutes(-5), at, "s", []);

        using var json = JsonDocument.Parse(AlertJson.Format(alert));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("score").ValueKind);
        Assert.Equal("2026-03-02T08:52:10.120Z", json.RootElement.GetProperty("detected_at").GetString());
        Assert.Equal("critical", json.RootElement.GetProperty("severity").GetString());
    }
}
