using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Incidents;

/// <summary>Where an incident stands; written as <c>opened</c>, <c>updated</c> or <c>resolved</c>.</summary>
public enum IncidentStatus
{
    /// <summary>The first alert of the incident; the message that starts it.</summary>
    Opened,

    /// <summary>Another alert of the same drift joined: the ranked features and the root may have changed.</summary>
    Updated,

    /// <summary>The incident's features have stayed under their thresholds for <c>Incidents:ResolveWindows</c> windows: the drift ended.</summary>
    Resolved,
}

/// <summary>One alerting feature of an incident, with the numbers it is ranked by.</summary>
/// <param name="Feature">The contract feature name.</param>
/// <param name="Detector">The detector that fired.</param>
/// <param name="Score">The detector's score.</param>
/// <param name="Threshold">The detector's calibrated threshold.</param>
/// <param name="Evidence">Score divided by threshold of the detector that fired: comparable across detectors.</param>
/// <param name="Effect">The largest moved share or level among the alert's top shifts (|current − reference|); null when it has none.</param>
/// <param name="Severity">The alert's severity.</param>
/// <param name="DetectedAt">Event time of the alert.</param>
/// <param name="AlertKey">The alert's key: <c>feature@detected_at</c>.</param>
public sealed record IncidentFeature(
    string Feature,
    string Detector,
    double Score,
    double Threshold,
    double Evidence,
    double? Effect,
    AlertSeverity Severity,
    DateTimeOffset DetectedAt,
    string AlertKey);

/// <summary>
/// The alerts of one behaviour that started together, as one drift: <c>driftwatch.incident/v1</c>
/// (docs/contracts.md). <see cref="Id"/> depends only on the behaviour and the incident's first alert, so a
/// replay of the same events or a restart that re-raises the same alert gives the same id.
/// </summary>
public sealed record Incident(
    string Id,
    BehaviourKey Key,
    IncidentStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<IncidentFeature> Features,
    IReadOnlyList<RootSegment> Roots)
{
    /// <summary>The message's schema id.</summary>
    public const string SchemaId = "driftwatch.incident/v1";

    /// <summary>
    /// The likely upstream cause: a drift of an agent that feeds this one (docs/propagation.md), or null when
    /// none is known.
    /// </summary>
    public IncidentUpstream? Upstream { get; init; }

    /// <summary>The first root segment (the one that explains the most), or null when none is known.</summary>
    public RootSegment? Root => Roots.Count > 0 ? Roots[0] : null;

    /// <summary>Example decisions of the root segment, when exemplars run on the monitor (<c>ExemplarDetector</c>).</summary>
    public Exemplars.ExemplarSet? Exemplars { get; init; }
}
