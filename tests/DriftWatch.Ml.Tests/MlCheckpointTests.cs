using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;

namespace DriftWatch.Ml.Tests;

public sealed class MlCheckpointTests
{
    [Theory]
    [InlineData(700)]
    [InlineData(2_100)]
    [InlineData(3_333)]
    [InlineData(4_500)]
    public void RestoreAgentUnit_SplitMidStream_SameMlScoresAndAlertsAsUninterrupted(int split)
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5", events: 6000);
        using var whole = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        Feed(whole, events.Take(split));
        var expected = MonitorRun.Of(whole, events.Skip(split).ToArray());

        using var before = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        Feed(before, events.Take(split));
        using var after = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        foreach (string agent in events.Select(e => e.AgentId).Distinct())
        {
            after.Inner.RestoreAgentUnit(before.Inner.CheckpointAgentUnit(agent, null)!);
        }

        var actual = MonitorRun.Of(after, events.Skip(split).ToArray());

        Assert.NotEmpty(expected.ScoresOf(MlDetectorNames.DomainClassifier));
        Assert.NotEmpty(expected.ScoresOf(MlDetectorNames.PcaAnomaly));
        Assert.Equal(expected.Scores, actual.Scores);
        Assert.Equal(expected.Alerts.Select(Describe), actual.Alerts.Select(Describe));
    }

    [Fact]
    public void RestoreAgentUnit_RecordWithoutMlIntoMonitorWithMl_RefusedAsOtherSettings()
    {
        var events = Streams.Decisions(null, events: 1000);
        var plain = new DriftMonitor();
        Feed(plain, events);
        using var ml = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());

        var unit = plain.CheckpointAgentUnit(events[0].AgentId, null)!;

        var error = Assert.Throws<CheckpointException>(() => ml.Inner.RestoreAgentUnit(unit));
        Assert.Contains("other detection settings", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, ml.Inner.BehaviourCount);
    }

    [Fact]
    public void RestoreAgentUnit_OtherMlSettings_Refused()
    {
        var events = Streams.Decisions(null, events: 1000);
        using var written = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        Feed(written, events);
        using var reading = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions { Seed = 7 });

        var unit = written.Inner.CheckpointAgentUnit(events[0].AgentId, null)!;

        Assert.Throws<CheckpointException>(() => reading.Inner.RestoreAgentUnit(unit));
    }

    [Fact]
    public void AddDetector_MonitorAlreadyHoldsState_Throws()
    {
        var monitor = new DriftMonitor();
        monitor.Observe(Streams.Decisions(null, events: 10)[0]);

        Assert.Throws<InvalidOperationException>(() => MlDetector.AddTo(monitor));
    }

    [Fact]
    public void EvictAgentUnit_MlState_GoesWithTheBehaviour()
    {
        var events = Streams.Decisions(null, events: 3000);
        using var monitor = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        Feed(monitor, events);
        string agent = events[0].AgentId;

        monitor.Inner.EvictAgentUnit(agent);
        // Seen again after eviction, the behaviour learns a new reference: no ML window scores until it is armed.
        var again = MonitorRun.Of(monitor, events.Take(1_000).ToArray());

        Assert.Empty(again.ScoresOf(MlDetectorNames.DomainClassifier));
    }

    private static void Feed(IDriftMonitor monitor, IEnumerable<DecisionEvent> events)
    {
        foreach (var decision in events)
        {
            monitor.Observe(decision);
        }
    }

    private static string Describe(DriftAlert alert) =>
        $"{alert.Key}|{alert.Feature}|{alert.Detector}|{alert.Score:R}|{alert.Threshold:R}|{alert.Severity}|{alert.DetectedAt:O}|{alert.Summary}|{string.Join(";", alert.TopShifts)}";
}
