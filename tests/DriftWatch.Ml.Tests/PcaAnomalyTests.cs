using DriftWatch.Core.Detection;

namespace DriftWatch.Ml.Tests;

public sealed class PcaAnomalyTests
{
    private static MlDriftMonitor PcaOnly() => new(
        new DriftMonitor(),
        new MlDetectionOptions { DomainClassifier = { Enabled = false } });

    [Theory]
    [InlineData("latency-creep:onset=0.5")]
    [InlineData("sentiment-collapse:onset=0.5")]
    public void Observe_DriftingWindowProfile_AlertsAfterOnset(string scenario)
    {
        var events = Streams.Decisions(scenario);
        var onset = events[events.Count / 2].Timestamp;
        using var monitor = PcaOnly();

        var run = MonitorRun.Of(monitor, events);

        var alert = Assert.Single(run.AlertsOf(MlDetectorNames.PcaAnomaly));
        Assert.Equal(MlDetectorNames.WindowProfileFeature, alert.Feature);
        Assert.True(alert.DetectedAt >= onset, $"alert at {alert.DetectedAt:O} before onset {onset:O}");
        Assert.True(alert.Score > alert.Threshold);
        Assert.NotEmpty(alert.TopShifts);
    }

    [Fact]
    public void Observe_LatencyCreep_TopShiftNamesLatency()
    {
        using var monitor = PcaOnly();

        var run = MonitorRun.Of(monitor, Streams.Decisions("latency-creep:onset=0.5"));

        var alert = Assert.Single(run.AlertsOf(MlDetectorNames.PcaAnomaly));
        Assert.Contains(alert.TopShifts, s => s.Value.StartsWith("metrics.latency_ms", StringComparison.Ordinal));
    }

    [Fact]
    public void Observe_QuietStream_ScoresEveryWindowWithoutAlert()
    {
        var events = Streams.Decisions(null);
        using var monitor = PcaOnly();

        var run = MonitorRun.Of(monitor, events);

        var scores = run.ScoresOf(MlDetectorNames.PcaAnomaly).ToArray();
        Assert.Equal((events.Count - 2000) / 250, scores.Length);
        Assert.All(scores, s => Assert.True(s.Score <= s.Threshold, $"window ending {s.WindowEnd:O}: {s.Score} > {s.Threshold}"));
        Assert.Empty(run.AlertsOf(MlDetectorNames.PcaAnomaly));
    }
}
