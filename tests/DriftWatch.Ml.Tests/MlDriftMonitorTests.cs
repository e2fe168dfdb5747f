using DriftWatch.Core.Detection;
using DriftWatch.Core.Features;

namespace DriftWatch.Ml.Tests;

public sealed class MlDriftMonitorTests
{
    [Fact]
    public void Observe_NewReplyVocabulary_DomainClassifierAlertsOnceOnOutputText()
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5");
        var onset = events[events.Count / 2].Timestamp;
        using var monitor = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());

        var run = MonitorRun.Of(monitor, events);

        var alert = Assert.Single(run.AlertsOf(MlDetectorNames.DomainClassifier));
        Assert.Equal(FeatureNames.OutputText, alert.Feature);
        Assert.True(alert.DetectedAt >= onset);
        Assert.True(alert.Score > 0.8, $"AUC {alert.Score}");
        // The drift persists to the end of the stream: one episode, yet every later window still scores high.
        var after = run.ScoresOf(MlDetectorNames.DomainClassifier).Where(s => s.Feature == FeatureNames.OutputText && s.WindowStart > onset).ToArray();
        Assert.True(after.Length > 5);
        Assert.All(after, s => Assert.True(s.Exceeded));
    }

    [Fact]
    public void Observe_QuietStream_NoMlAlerts()
    {
        using var monitor = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());

        var run = MonitorRun.Of(monitor, Streams.Decisions(null));

        Assert.NotEmpty(run.ScoresOf(MlDetectorNames.DomainClassifier));
        Assert.NotEmpty(run.ScoresOf(MlDetectorNames.PcaAnomaly));
        Assert.DoesNotContain(run.Alerts, a => a.Detector is MlDetectorNames.DomainClassifier or MlDetectorNames.PcaAnomaly);
    }

    [Fact]
    public void Observe_SameStreamTwice_SameScoresAndAlerts()
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5", events: 4000);
        using var first = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        using var second = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());

        var a = MonitorRun.Of(first, events);
        var b = MonitorRun.Of(second, events);

        Assert.NotEmpty(a.AlertsOf(MlDetectorNames.DomainClassifier));
        Assert.Equal(a.Scores, b.Scores);
        Assert.Equal(a.Alerts.Select(Describe), b.Alerts.Select(Describe));
    }

    [Fact]
    public void Observe_InnerMonitorResults_ArePassedThrough()
    {
        var events = Streams.Decisions("latency-creep:onset=0.5");
        using var wrapped = new MlDriftMonitor(new DriftMonitor(), new MlDetectionOptions { DomainClassifier = { Enabled = false }, PcaAnomaly = { Enabled = false } });

        var plain = MonitorRun.Of(new DriftMonitor(), events);
        var decorated = MonitorRun.Of(wrapped, events);

        Assert.NotEmpty(plain.Alerts);
        Assert.Equal(plain.Scores, decorated.Scores);
        Assert.Equal(plain.Alerts.Select(Describe), decorated.Alerts.Select(Describe));
    }

    [Fact]
    public void Observe_EveryThirdWindow_DomainClassifierRunsOnAThird()
    {
        var events = Streams.Decisions(null, events: 4000);
        static MlDetectionOptions Options(int every) => new()
        {
            PcaAnomaly = { Enabled = false },
            DomainClassifier = { InputText = false, EveryNthWindow = every },
        };
        using var each = MlDriftMonitor.Create(new DriftMonitorOptions(), Options(1));
        using var third = MlDriftMonitor.Create(new DriftMonitorOptions(), Options(3));

        int all = MonitorRun.Of(each, events).ScoresOf(MlDetectorNames.DomainClassifier).Count();
        int some = MonitorRun.Of(third, events).ScoresOf(MlDetectorNames.DomainClassifier).Count();

        // Armed windows 1, 4, 7, ... are classified.
        Assert.Equal(8, all);
        Assert.Equal(3, some);
    }

    private static string Describe(DriftAlert alert) =>
        $"{alert.Key}|{alert.Feature}|{alert.Detector}|{alert.Score:R}|{alert.Threshold:R}|{alert.Severity}|{alert.DetectedAt:O}|{alert.Summary}|{string.Join(";", alert.TopShifts)}";
}
