using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Replay;

namespace DriftWatch.Core.Tests.Detection.Checkpoints;

public sealed class StateCheckpointTests
{
    private static readonly BehaviourKey Router = new("support-router", "production", "route");

    [Theory]
    [InlineData(500)] // filling the reference
    [InlineData(2_000)] // the reference just closed
    [InlineData(3_333)] // armed, mid-window, just after a drift began
    [InlineData(4_100)] // inside an alert episode
    public void Restore_CheckpointTakenAnywhere_DecidesEveryLaterEventExactlyAsTheOriginal(int at)
    {
        var events = new SupportStream(5, Drift.MisroutingHighUrgency, onset: 3_300).Take(6_000).ToList();
        var original = new DriftMonitor();
        foreach (var e in events.Take(at))
        {
            original.Observe(e);
        }

        var restored = new DriftMonitor();
        restored.Restore(original.Checkpoint(Router, new SourcePosition("agent-decisions", 3, at)));
        restored.Restore(original.CheckpointAgent(Router.AgentId, Router.Environment));

        var expected = events.Skip(at).Select(original.Observe).SelectMany(Lines).ToList();
        var actual = events.Skip(at).Select(restored.Observe).SelectMany(Lines).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Checkpoint_ArmedBehaviourWithTextAndSegments_StaysUnder64KiB()
    {
        var monitor = new DriftMonitor();
        foreach (var e in new SupportStream(8).Take(5_000))
        {
            monitor.Observe(e);
        }

        Assert.True(monitor.IsArmed(Router));
        int bytes = monitor.Checkpoint(Router).Length;
        Assert.InRange(bytes, 1_000, 64 * 1024);
    }

    [Fact]
    public void Restore_HeaderNamesBehaviourAndPosition()
    {
        var monitor = new DriftMonitor();
        foreach (var e in new SupportStream(2).Take(50))
        {
            monitor.Observe(e);
        }

        var header = new DriftMonitor().Restore(monitor.Checkpoint(Router, new SourcePosition("t", 2, 49)));

        Assert.Equal(CheckpointKind.Behaviour, header.Kind);
        Assert.Equal(new SourcePosition("t", 2, 49), header.Position);
        Assert.Equal("b/support-router/production/route", header.Key);
    }

    [Fact]
    public void Restore_TruncatedRecord_ThrowsCheckpointExceptionAndKeepsNothing()
    {
        var monitor = new DriftMonitor();
        foreach (var e in new SupportStream(3).Take(2_500))
        {
            monitor.Observe(e);
        }

        byte[] record = monitor.Checkpoint(Router);
        var target = new DriftMonitor();

        for (int length = 0; length < record.Length; length += Math.Max(1, record.Length / 40))
        {
            Assert.Throws<CheckpointException>(() => target.Restore(record.AsSpan(0, length)));
        }

        Assert.False(target.Contains(Router));
    }

    [Fact]
    public void Restore_UnknownFormatVersion_ThrowsNamingTheVersion()
    {
        var monitor = new DriftMonitor();
        monitor.Observe(new SupportStream(3).Next());
        byte[] record = monitor.Checkpoint(Router);
        record[4] = 99;

        var error = Assert.Throws<CheckpointException>(() => new DriftMonitor().Restore(record));

        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_RecordWrittenUnderOtherSettings_IsRefused()
    {
        var monitor = new DriftMonitor();
        monitor.Observe(new SupportStream(3).Next());
        byte[] record = monitor.Checkpoint(Router);

        var other = new DriftMonitor(new DriftMonitorOptions { CurrentWindowSize = 200 });

        var error = Assert.Throws<CheckpointException>(() => other.Restore(record));
        Assert.Contains("other detection settings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_CorruptedBody_ThrowsInsteadOfMisreading()
    {
        var monitor = new DriftMonitor();
        foreach (var e in new SupportStream(3).Take(2_500))
        {
            monitor.Observe(e);
        }

        byte[] record = monitor.Checkpoint(Router);
        var header = StateCheckpoint.ReadHeader(record);
        Assert.Equal(Router.AgentId, header.AgentId);
        byte[] extra = [.. record, 1, 2, 3];

        Assert.Throws<CheckpointException>(() => new DriftMonitor().Restore(extra));
    }

    [Fact]
    public void CheckpointAgent_StateChangesAndReferenceVersions_RoundTrip()
    {
        var monitor = new DriftMonitor();
        foreach (var e in new SupportStream(3).Take(10))
        {
            monitor.Observe(e with { AgentVersion = "v1", StateVersion = "mem-1" });
        }

        monitor.Observe(new StateEvent
        {
            EventId = "s1",
            AgentId = Router.AgentId,
            Timestamp = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero),
            Key = "routing/urgent-queue",
            Op = StateOperation.Set,
            Value = JsonDocument.Parse("""{"queue":"general"}""").RootElement.Clone(),
            Segment = new Dictionary<string, string> { ["urgency"] = "high" },
            StateVersion = "mem-2",
        });

        var restored = new DriftMonitor();
        restored.Restore(monitor.CheckpointAgent(Router.AgentId, Router.Environment));

        var history = restored.HistoryOf(Router.AgentId, Router.Environment)!;
        Assert.Equal(10, history.Decisions);
        Assert.Equal(["mem-1"], history.ReferenceVersions.Select(v => v.StateVersion));
        var change = Assert.Single(history.StateChanges);
        Assert.Equal("routing/urgent-queue", change.Key);
        Assert.Equal("high", change.Segment["urgency"]);
        Assert.Equal("general", change.Value.GetProperty("queue").GetString());
    }

    [Fact]
    public void ReplayState_TruncatedFile_ThrowsCheckpointException()
    {
        var monitor = new DriftMonitor();
        foreach (var e in new SupportStream(3).Take(100))
        {
            monitor.Observe(e);
        }

        using var file = new MemoryStream();
        Assert.Equal(2, ReplayState.Write(monitor, file));
        byte[] bytes = file.ToArray();

        Assert.Throws<CheckpointException>(() => ReplayState.Read(new DriftMonitor(), new MemoryStream(bytes[..^10])));
        Assert.Equal(2, ReplayState.Read(new DriftMonitor(), new MemoryStream(bytes)));
    }

    [Theory]
    [InlineData("decision.outcome")]
    [InlineData("input.features.urgency")]
    [InlineData("decision.outcome|input.features.urgency=high")]
    [InlineData("decision.outcome|input.features.plan=a=b")]
    [InlineData("labels.model")]
    [InlineData("metrics.latency_ms")]
    [InlineData("tool_calls.status")]
    public void FeatureId_ParseThenFormat_RoundTrips(string name) =>
        Assert.Equal(name, FeatureId.Parse(name).Format());

    [Theory]
    [InlineData("")]
    [InlineData("decision")]
    [InlineData("metrics.")]
    [InlineData("decision.outcome|input.features.=x")]
    public void FeatureId_NotAFeatureName_IsRejected(string name) =>
        Assert.False(FeatureId.TryParse(name, out _));

    private static IEnumerable<string> Lines(DetectionStep step) =>
        step.Alerts.Select(AlertJson.Format)
            .Concat(step.Scores.Select(s => $"{s.Key}|{s.Feature}|{s.Detector}|{s.Score:R}|{s.Threshold:R}|{s.At:O}"))
            .Concat(step.Windows.Select(w => $"{w.Key}|{w.WindowStart:O}|{w.WindowEnd:O}|{w.EventCount}|{string.Join(",", w.OutcomeShares.Select(kv => $"{kv.Key}={kv.Value:R}"))}"));
}
