namespace DriftWatch.Evaluation;

/// <summary>How the alerts of one run were grouped into incidents.</summary>
/// <param name="DriftIncidents">Incidents on the drifting agent opened at or after the onset (goal: exactly 1); null without drift.</param>
/// <param name="DriftAlerts">Alerts those incidents hold together.</param>
/// <param name="OtherIncidents">Incidents on agents without drift and on the drifting agent before its onset.</param>
/// <param name="ExpectedRoot">The drifted segment (misrouting runs), e.g. <c>urgency=high</c>; null otherwise.</param>
/// <param name="Root">The root segment of the drift's first incident.</param>
/// <param name="RootCorrect">Whether it is the drifted segment; null when the run has no drifted segment or the drift raised no incident (not detected).</param>
internal sealed record IncidentScore(
    int? DriftIncidents,
    int DriftAlerts,
    int OtherIncidents,
    string? ExpectedRoot,
    string? Root,
    bool? RootCorrect)
{
    internal static IncidentScore Of(ScenarioTruth? truth, string? expectedRoot, IReadOnlyList<IncidentRecord> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (truth is null)
        {
            return new IncidentScore(null, 0, incidents.Count, null, null, null);
        }

        var drift = incidents.Where(i => i.AgentId == truth.AgentId && i.OpenedAtIndex >= truth.OnsetAgentIndex).OrderBy(i => i.OpenedAtIndex).ToList();
        var root = drift.Count > 0 ? drift[0].RootSegment : null;
        return new IncidentScore(
            drift.Count,
            drift.Sum(i => i.Features),
            incidents.Count - drift.Count,
            expectedRoot,
            root,
            expectedRoot is null || drift.Count == 0 ? null : string.Equals(root, expectedRoot, StringComparison.Ordinal));
    }
}
