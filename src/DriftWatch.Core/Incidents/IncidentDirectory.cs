using System.Collections.Concurrent;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Which incident each alerting feature belongs to, for readers on other threads (the rollback webhook): a
/// per-feature alert from Prometheus, Grafana or Alertmanager is mapped to its incident, so one drift executes
/// one rollback. Written by the detection stage (<see cref="IncidentDetector"/>), read concurrently. Bounded: it
/// forgets everything once it holds <see cref="Capacity"/> features, which only costs the deduplication of
/// alerts of incidents that old.
/// </summary>
public sealed class IncidentDirectory
{
    /// <summary>Features remembered before the directory starts over.</summary>
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<(string Agent, string Environment, string Feature), Entry> _features = new();

    /// <summary>Remembers the incident of each of its features (the newest incident of a feature wins).</summary>
    public void Record(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (_features.Count >= Capacity)
        {
            _features.Clear();
        }

        foreach (var feature in incident.Features)
        {
            _features[(incident.Key.AgentId, incident.Key.Environment, feature.Feature)] = new Entry(incident.Id, incident.Key, incident.StartedAt, incident.Upstream);
        }
    }

    /// <summary>
    /// The id of the incident that holds <paramref name="feature"/> of the agent in the environment (and decision,
    /// when given), or null when none is known.
    /// </summary>
    public string? IncidentOf(string agentId, string environment, string? decision, string feature)
    {
        if (!_features.TryGetValue((agentId, environment, feature), out var entry))
        {
            return null;
        }

        return decision is null || string.Equals(decision, entry.Key.DecisionName, StringComparison.Ordinal) ? entry.Id : null;
    }

    /// <summary>
    /// The upstream cause named by the incident that holds <paramref name="feature"/> (docs/propagation.md), or
    /// null when the incident names none or is not known.
    /// </summary>
    public IncidentUpstream? UpstreamOf(string agentId, string environment, string? decision, string feature) =>
        _features.TryGetValue((agentId, environment, feature), out var entry)
        && (decision is null || string.Equals(decision, entry.Key.DecisionName, StringComparison.Ordinal))
            ? entry.Upstream
            : null;

    private sealed record Entry(string Id, BehaviourKey Key, DateTimeOffset StartedAt, IncidentUpstream? Upstream);
}
