using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Tests.Detection;

public sealed class DriftMonitorTests
{
    private const int Onset = 3100; // deliberately not on a window boundary

    [Fact]
    public void Observe_QuietStreams_StayWithinFalseAlarmTarget()
    {
        // Target: at most 0.1 false-alarm episodes per 10k quiet events, i.e. 1 over these 100k.
        int alerts = 0;
        for (int seed = 1; seed <= 5; seed++)
        {
            var monitor = new DriftMonitor();
            alerts += Run(monitor, new SupportStream(seed).Take(22_000)).Count;
        }

        Assert.True(alerts <= 1, $"{alerts} false-alarm episodes over 100,000 quiet events");
    }

    [Theory]
    [InlineData(Drift.MisroutingHighUrgency, "decision.outcome|input.features.urgency=high")]
    [InlineData(Drift.SentimentCollapse, FeatureNames.Sentiment)]
    [InlineData(Drift.NewReplyVocabulary, FeatureNames.OutputText)]
    [InlineData(Drift.LatencyCreep, "metrics.latency_ms")]
    [InlineData(Drift.ConfidenceDrop, FeatureNames.Confidence)]
    public void Observe_SuddenDrift_FirstAlertNamesFeatureWithin500Events(Drift drift, string feature)
    {
        var alerts = Run(new DriftMonitor(), new SupportStream(11, drift, Onset).Take(Onset + 1500));

        Assert.NotEmpty(alerts);
        var (index, first) = alerts[0];
        Assert.Equal(feature, first.Feature);
        Assert.InRange(index - Onset, 0, 500);
    }

    [Theory]
    [InlineData(Drift.MisroutingHighUrgency, "decision.outcome|input.features.urgency=high")]
    [InlineData(Drift.SentimentCollapse, FeatureNames.Sentiment)]
    [InlineData(Drift.NewReplyVocabulary, FeatureNames.OutputText)]
    [InlineData(Drift.LatencyCreep, "metrics.latency_ms")]
    [InlineData(Drift.ConfidenceDrop, FeatureNames.Confidence)]
    public void Observe_GradualDrift_DetectedBeforeRampEnds(Drift drift, string feature)
    {
        const int ramp = 3000;
        var alerts = Run(new DriftMonitor(), new SupportStream(12, drift, Onset, ramp).Take(Onset + ramp + 1000));

        Assert.NotEmpty(alerts);
        Assert.Equal(feature, alerts[0].Alert.Feature);
        Assert.InRange(alerts[0].Index, Onset, Onset + ramp);
    }

    [Fact]
    public void Observe_MisroutingWithinSegment_AlertsSegmentWhileOverallMixBarelyMoves()
    {
        var monitor = new DriftMonitor();
        var stream = new SupportStream(13, Drift.MisroutingHighUrgency, Onset);
        double overallShift = double.NaN;
        DriftAlert? first = null;
        foreach (var e in stream.Take(Onset + 1500))
        {
            var step = monitor.Observe(e);
            if (first is null && step.Alerts.Count > 0)
            {
                first = step.Alerts[0];
                overallShift = step.Scores.Single(s => s.Feature == FeatureNames.Outcome && s.Detector == DetectorNames.JensenShannon).Score;
                Assert.DoesNotContain(step.Alerts, a => a.Feature == FeatureNames.Outcome);
            }
        }

        Assert.NotNull(first);
        Assert.Equal("decision.outcome|input.features.urgency=high", first.Feature);
        Assert.Contains(first.TopShifts, s => s.Value == "escalate" && s.Reference > 0.5 && s.Current < 0.3);
        Assert.Contains("escalate", first.Summary, StringComparison.Ordinal);
        Assert.True(overallShift < 0.1, $"overall outcome JS distance {overallShift}");
    }

    [Fact]
    public void Observe_SameEventsTwice_GivesSameAlertsAndScores()
    {
        string[] Describe(DriftMonitor monitor) =>
        [
            .. new SupportStream(14, Drift.LatencyCreep, Onset, 1000).Take(Onset + 2000)
                .Select(monitor.Observe)
                .SelectMany(step => step.Alerts.Select(a => $"{a.Feature}|{a.Detector}|{a.Score:R}|{a.Threshold:R}|{a.DetectedAt:O}|{a.Summary}")
                    .Concat(step.Scores.Select(s => $"{s.Feature}|{s.Detector}|{s.Score:R}"))),
        ];

        string[] first = Describe(new DriftMonitor());
        string[] second = Describe(new DriftMonitor());

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Observe_PersistentDrift_KeepsOneEpisode()
    {
        var alerts = Run(new DriftMonitor(), new SupportStream(15, Drift.ConfidenceDrop, Onset).Take(Onset + 8000));

        Assert.Single(alerts, a => a.Alert.Feature == FeatureNames.Confidence);
    }

    [Fact]
    public void Observe_DriftEndsAndReturns_StartsSecondEpisode()
    {
        var first = new SupportStream(16, Drift.ConfidenceDrop, Onset, end: Onset + 1500);
        var events = first.Take(Onset + 5000).ToList();
        var again = new SupportStream(17, Drift.ConfidenceDrop, 0);
        var alerts = Run(new DriftMonitor(), events.Concat(again.Take(1000).Select(e => e with { Timestamp = events[^1].Timestamp.AddSeconds(1) })));

        Assert.Equal(2, alerts.Count(a => a.Alert.Feature == FeatureNames.Confidence));
    }

    [Theory]
    [InlineData(ReferenceMode.Fixed, true)]
    [InlineData(ReferenceMode.Rolling, false)]
    public void Observe_PersistentDrift_RollingReferenceAbsorbsItFixedDoesNot(ReferenceMode mode, bool stillExceeded)
    {
        var monitor = new DriftMonitor(new DriftMonitorOptions { ReferenceMode = mode });
        FeatureScore? last = null;
        foreach (var e in new SupportStream(24, Drift.ConfidenceDrop, Onset).Take(Onset + 6000))
        {
            last = monitor.Observe(e).Scores.LastOrDefault(s => s.Feature == FeatureNames.Confidence && s.Detector == DetectorNames.KolmogorovSmirnov) ?? last;
        }

        Assert.NotNull(last);
        Assert.Equal(stillExceeded, last.Exceeded);
    }

    [Fact]
    public void Observe_ReferenceWindow_ArmsAfterReferenceSize()
    {
        var options = new DriftMonitorOptions { ReferenceSize = 1000, CurrentWindowSize = 200 };
        var monitor = new DriftMonitor(options);
        var events = new SupportStream(18).Take(1000).ToList();

        foreach (var e in events.Take(999))
        {
            monitor.Observe(e);
        }

        bool before = monitor.IsArmed(events[0].Key);
        monitor.Observe(events[999]);

        Assert.False(before);
        Assert.True(monitor.IsArmed(events[0].Key));
    }

    [Fact]
    public void Observe_WindowCloses_EmitsSummaryWithOutcomeSharesAndMeans()
    {
        var monitor = new DriftMonitor();
        var steps = new SupportStream(19).Take(250).Select(monitor.Observe).ToList();

        Assert.All(steps.Take(249), s => Assert.True(s.IsEmpty));
        var summary = Assert.Single(steps[^1].Windows);
        Assert.Equal(250, summary.EventCount);
        Assert.Equal(1.0, summary.OutcomeShares.Values.Sum(), 9);
        Assert.InRange(summary.NumericMeans[FeatureNames.Confidence], 0.8, 0.9);
        Assert.True(summary.WindowEnd > summary.WindowStart);
    }

    [Fact]
    public void Observe_EventTimeGap_ClosesWindowByDuration()
    {
        var options = new DriftMonitorOptions { CurrentWindowDuration = TimeSpan.FromMinutes(1) };
        var monitor = new DriftMonitor(options);
        var events = new SupportStream(20).Take(20).ToList();
        foreach (var e in events)
        {
            monitor.Observe(e);
        }

        var step = monitor.Observe(events[^1] with { Timestamp = events[^1].Timestamp.AddMinutes(5) });

        var summary = Assert.Single(step.Windows);
        Assert.Equal(20, summary.EventCount);
    }

    [Fact]
    public void PinReference_ExportedProfile_ArmsFreshMonitorThatDetectsDrift()
    {
        var source = new DriftMonitor();
        var quiet = new SupportStream(21).Take(2000).ToList();
        foreach (var e in quiet)
        {
            source.Observe(e);
        }

        var profile = source.ExportReference(quiet[0].Key);
        var pinned = new DriftMonitor();
        pinned.PinReference(quiet[0].Key, profile!);
        var alerts = Run(pinned, new SupportStream(22, Drift.SentimentCollapse, 1000).Take(1600));

        Assert.True(pinned.IsArmed(quiet[0].Key));
        Assert.Contains(FeatureNames.Outcome, profile!.Categorical.Keys);
        Assert.Equal(FeatureNames.Sentiment, alerts[0].Alert.Feature);
        Assert.InRange(alerts[0].Index, 1000, 1500);
    }

    [Fact]
    public void Observe_UnboundedCategoryValues_CapsTrackedCategories()
    {
        var options = new DriftMonitorOptions { MaxCategories = 8 };
        var monitor = new DriftMonitor(options);
        var events = new SupportStream(23).Take(2000)
            .Select((e, i) => e with { InputFeatures = new Dictionary<string, string> { ["ticket_id"] = $"T{i}" } })
            .ToList();
        foreach (var e in events)
        {
            monitor.Observe(e);
        }

        var profile = monitor.ExportReference(events[0].Key)!;
        var ids = profile.Categorical[FeatureNames.InputFeature("ticket_id")];
        Assert.Equal(options.MaxCategories + 1, ids.Count);
        Assert.Equal(2000 - options.MaxCategories, ids[CategoryIndex.OtherLabel]);
        Assert.True(profile.Categorical.Keys.Count(k => k.StartsWith(FeatureNames.Outcome + "|", StringComparison.Ordinal)) <= options.MaxSegmentsPerInputFeature);
    }

    [Fact]
    public void Observe_StateEvent_IsKeptForAttribution()
    {
        var monitor = new DriftMonitor();
        var state = new StateEvent
        {
            EventId = "s1",
            AgentId = "support-router",
            Timestamp = DateTimeOffset.UnixEpoch,
            Key = "memory/tone-policy",
            Op = StateOperation.Set,
        };

        monitor.Observe(state);

        Assert.Same(state, Assert.Single(monitor.RecentStateChanges("support-router", "production")));
    }

    [Theory]
    [InlineData(nameof(DriftMonitorOptions.ReferenceSize))]
    [InlineData(nameof(DriftMonitorOptions.CurrentWindowSize))]
    [InlineData(nameof(DriftMonitorOptions.TargetEventsBetweenFalseAlarms))]
    public void Validate_InvalidSetting_NamesTheSetting(string setting)
    {
        var options = new DriftMonitorOptions();
        switch (setting)
        {
            case nameof(DriftMonitorOptions.ReferenceSize): options.ReferenceSize = 10; break;
            case nameof(DriftMonitorOptions.CurrentWindowSize): options.CurrentWindowSize = 5000; break;
            default: options.TargetEventsBetweenFalseAlarms = 1; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    private static List<(int Index, DriftAlert Alert)> Run(DriftMonitor monitor, IEnumerable<DecisionEvent> events)
    {
        var alerts = new List<(int, DriftAlert)>();
        int index = 0;
        foreach (var e in events)
        {
            foreach (var alert in monitor.Observe(e).Alerts)
            {
                alerts.Add((index, alert));
            }

            index++;
        }

        return alerts;
    }
}
