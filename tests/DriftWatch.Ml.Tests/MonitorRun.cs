using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Ml.Tests;

/// <summary>Everything a monitor produced over a stream.</summary>
internal sealed record MonitorRun(IReadOnlyList<FeatureScore> Scores, IReadOnlyList<DriftAlert> Alerts)
{
    public static MonitorRun Of(IDriftMonitor monitor, IReadOnlyList<DecisionEvent> events)
    {
        var scores = new List<FeatureScore>();
        var alerts = new List<DriftAlert>();
        foreach (var decision in events)
        {
            var step = monitor.Observe(decision);
            scores.AddRange(step.Scores);
            alerts.AddRange(step.Alerts);
        }

        return new MonitorRun(scores, alerts);
    }

    public IEnumerable<DriftAlert> AlertsOf(string detector) => Alerts.Where(a => a.Detector == detector);

    public IEnumerable<FeatureScore> ScoresOf(string detector) => Scores.Where(s => s.Detector == detector);
}
