using System.Globalization;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// The likely upstream cause of an incident (docs/propagation.md): an incident of an agent that feeds this one,
/// started shortly before, whose drifted decisions reach this agent's changed inputs.
/// </summary>
/// <param name="AgentId">The upstream agent.</param>
/// <param name="IncidentId">Its incident.</param>
/// <param name="StartedAt">When its incident started (event time).</param>
/// <param name="Share">Share in [0, 1] of this agent's changed inputs that came from the upstream agent's drifted decisions.</param>
/// <param name="Segment">The upstream incident's drifted segment (<c>key=value</c>), or null when it drifted as a whole.</param>
public sealed record IncidentUpstream(string AgentId, string IncidentId, DateTimeOffset StartedAt, double Share, string? Segment)
{
    /// <summary>One sentence, e.g. "support-router drift at 08:52 feeds 64% of this agent's changed inputs".</summary>
    public string Sentence => string.Create(
        CultureInfo.InvariantCulture,
        $"{AgentId} drift at {StartedAt.UtcDateTime:HH:mm} feeds {Math.Round(Share * 100):0}% of this agent's changed inputs");
}
