namespace DriftWatch.Core.Incidents;

/// <summary>How alerts are grouped into incidents (configuration section <c>Incidents</c>).</summary>
public sealed class IncidentOptions
{
    /// <summary>
    /// Windows of the behaviour, counted from its incident's first alert, during which further alerts of that
    /// behaviour join the incident. The window the first alert fell in counts as the first, so the default
    /// 2 takes the rest of that window and one whole window after it (a window closes by count or by
    /// duration, so this bounds events and time alike). Later alerts open a new incident. Default 2.
    /// </summary>
    public int GroupWindows { get; set; } = 2;

    /// <summary>
    /// Windows, counted the same way, during which a later alert still joins the incident when it is a moved
    /// segment (or the overall outcome) that moved the way the incident's root segments predict
    /// (docs/incidents.md): a segment that holds only part of the drifted one moves less and is detected later.
    /// Default 40.
    /// </summary>
    public int RelatedWindows { get; set; } = 40;

    /// <summary>Alerts kept per incident; later ones are still published as alerts but not listed. Default 64.</summary>
    public int MaxAlertsPerIncident { get; set; } = 64;

    /// <summary>
    /// Windows of the behaviour in a row in which none of an incident's features scores above its threshold (and no
    /// alert joins it) after which the incident is resolved: a <c>driftwatch.incident/v1</c> message with status
    /// <c>resolved</c> is published and a later alert opens a new incident. 0 never resolves. Default 8 (2,000
    /// events at the default window size, the size of the reference).
    /// </summary>
    public int ResolveWindows { get; set; } = 8;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (GroupWindows is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(GroupWindows), GroupWindows, "Incidents.GroupWindows must be in [1, 100].");
        }

        if (RelatedWindows < GroupWindows || RelatedWindows > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(RelatedWindows), RelatedWindows, "Incidents.RelatedWindows must be at least GroupWindows and at most 1000.");
        }

        if (ResolveWindows is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(ResolveWindows), ResolveWindows, "Incidents.ResolveWindows must be in [0, 1000] (0: never resolve).");
        }

        if (MaxAlertsPerIncident is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAlertsPerIncident), MaxAlertsPerIncident, "Incidents.MaxAlertsPerIncident must be in [1, 1024].");
        }
    }
}
