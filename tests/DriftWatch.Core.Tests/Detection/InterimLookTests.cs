using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Tests.Detection;

public sealed class InterimLookTests
{
    // The window in progress at the onset runs from 3,000 to 3,250, so without looks the first test that
    // sees the drift is at 3,250 (150 events after the onset).
    private const int Onset = 3100;

    [Theory]
    [InlineData(Drift.SentimentCollapse, FeatureNames.Sentiment)]
    [InlineData(Drift.LatencyCreep, "metrics.latency_ms")]
    [InlineData(Drift.MisroutingHighUrgency, "decision.outcome|input.features.urgency=high")]
    public void Observe_SuddenDriftWithInterimLooks_AlertsBeforeTheWindowCloses(Drift drift, string feature)
    {
        var (index, alert) = FirstAlert(new DriftMonitorOptions(), drift);

        Assert.Equal(feature, alert.Feature);
        Assert.InRange(index - Onset, 0, 149);
    }

    [Fact]
    public void Observe_SuddenDriftWithoutInterimLooks_AlertsOnlyAtAWindowClose()
    {
        var (index, alert) = FirstAlert(new DriftMonitorOptions { InterimLookEvery = 0 }, Drift.SentimentCollapse);

        Assert.Equal(FeatureNames.Sentiment, alert.Feature);
        Assert.Equal(249, index % 250);
    }

    [Fact]
    public void Observe_QuietStreamWithInterimLooks_RaisesNoAlert()
    {
        var monitor = new DriftMonitor();
        var alerts = new SupportStream(21).Take(40_000).SelectMany(e => monitor.Observe(e).Alerts).ToList();

        Assert.Empty(alerts);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(200)]
    public void Validate_InterimLookEveryOutOfRange_NamesTheSetting(int every)
    {
        var options = new DriftMonitorOptions { InterimLookEvery = every };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(nameof(DriftMonitorOptions.InterimLookEvery), error.ParamName);
    }

    private static (int Index, DriftAlert Alert) FirstAlert(DriftMonitorOptions options, Drift drift)
    {
        var monitor = new DriftMonitor(options);
        int index = 0;
        foreach (var e in new SupportStream(11, drift, Onset).Take(Onset + 1500))
        {
            if (monitor.Observe(e).Alerts is [var first, ..])
            {
                return (index, first);
            }

            index++;
        }

        throw new InvalidOperationException("No alert.");
    }
}
