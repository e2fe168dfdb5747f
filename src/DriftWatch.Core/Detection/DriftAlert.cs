using DriftWatch.Core.Events;

namespace DriftWatch.Core.Detection;

/// <summary>How bad a drift is.</summary>
public enum AlertSeverity
{
    Warning,
    Critical,
}

/// <summary>One value whose share or level moved, e.g. "escalations 61% -> 18%".</summary>
public sealed record ValueShift(string Value, double Reference, double Current);

/// <summary>
/// The score one detector gave one feature of one behaviour over one window. Written as a time series so
/// dashboards can show a score against its threshold.
/// </summary>
public sealed record FeatureScore(
    BehaviourKey Key,
    string Feature,
    string Detector,
    double Score,
    double Threshold,
    DateTimeOffset At,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long ReferenceCount,
    long CurrentCount)
{
    public bool Exceeded => Score > Threshold;
}

/// <summary>
/// A drift alert: the start of an alert episode for one feature of one behaviour (CONTRACT.md section 3).
/// </summary>
public sealed record DriftAlert(
    BehaviourKey Key,
    string Feature,
    string Detector,
    double Score,
    double Threshold,
    AlertSeverity Severity,
    DateTimeOffset DetectedAt,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string Summary,
    IReadOnlyList<ValueShift> TopShifts)
{
    /// <summary>Example decisions of the drifted segment, when exemplars run on the monitor (<c>ExemplarDetector</c>).</summary>
    public Exemplars.ExemplarSet? Exemplars { get; init; }
}
