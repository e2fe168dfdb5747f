using DriftWatch.Core.Events;

namespace DriftWatch.Core.Propagation;

/// <summary>An input segment, <c>key=value</c> of <c>input.features</c>: where a drift is confined to.</summary>
/// <param name="Key">The input feature, e.g. <c>urgency</c>.</param>
/// <param name="Value">Its value, e.g. <c>high</c>.</param>
public readonly record struct DriftSegment(string Key, string Value)
{
    /// <summary>Whether a decision with these input features is in the segment.</summary>
    public bool Contains(IReadOnlyDictionary<string, string> features) =>
        features.TryGetValue(Key, out var value) && string.Equals(value, Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Key}={Value}";
}

/// <summary>
/// What the upstream rule needs to know about an incident: whose it is, when it started, from which window
/// start its decisions count as drifted, and the input segment its change is confined to (null: the whole behaviour).
/// </summary>
public sealed record DriftReport(BehaviourKey Key, string IncidentId, DateTimeOffset StartedAt, DateTimeOffset WindowStart, DriftSegment? Segment);

/// <summary>One agent-to-agent edge: <paramref name="Parent"/> handed <paramref name="Events"/> decisions to <paramref name="Child"/>.</summary>
public sealed record AgentEdge(string Environment, string Parent, string Child, long Events, DateTimeOffset LastSeen);
