using DriftWatch.Core.Events;

namespace DriftWatch.Core.Detection;

/// <summary>What observing one event produced: scores for windows that closed, and alerts that fired.</summary>
public sealed record DetectionStep(
    IReadOnlyList<FeatureScore> Scores,
    IReadOnlyList<DriftAlert> Alerts,
    IReadOnlyList<Results.WindowSummary> Windows)
{
    public static DetectionStep Empty { get; } = new([], [], []);

    /// <summary>Incidents this step opened or updated, when incident grouping (<c>IncidentDetector</c>) runs on the monitor.</summary>
    public IReadOnlyList<Incidents.Incident> Incidents { get; init; } = [];

    public bool IsEmpty => Scores.Count == 0 && Alerts.Count == 0 && Windows.Count == 0;
}

/// <summary>
/// Keeps per-behaviour state and runs the drift detectors on event time. Not thread-safe: the stream
/// feeds one instance from one stage, and replay feeds it from one loop, so both give the same alerts.
/// </summary>
public interface IDriftMonitor
{
    DetectionStep Observe(DecisionEvent decision);

    void Observe(StateEvent state);
}
