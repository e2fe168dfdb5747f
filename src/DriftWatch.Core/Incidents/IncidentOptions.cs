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

    /// <summary>Alerts kept per incident; later ones are still published as alerts but not listed. Default 64.</summary>
    public int MaxAlertsPerIncident { get; set; } = 64;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (GroupWindows is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(GroupWindows), GroupWindows, "Incidents.GroupWindows must be in [1, 100].");
        }

        if (MaxAlertsPerIncident is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAlertsPerIncident), MaxAlertsPerIncident, "Incidents.MaxAlertsPerIncident must be in [1, 1024].");
        }
    }
}
