using System.Text.Json;

namespace DriftWatch.Core.Events;

/// <summary>
/// A change to an agent's learned state: the <c>driftwatch.state/v1</c> contract (see docs/contracts.md).
/// </summary>
public sealed record StateEvent
{
    /// <summary>Schema identifier carried by every state event.</summary>
    public const string SchemaId = "driftwatch.state/v1";

    public required string EventId { get; init; }
    public required string AgentId { get; init; }
    public string Environment { get; init; } = DecisionEvent.DefaultEnvironment;
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The state key that changed, e.g. <c>memory/tone-policy</c>.</summary>
    public required string Key { get; init; }

    public required StateOperation Op { get; init; }

    /// <summary>The new value for <see cref="StateOperation.Set"/>; undefined for deletes.</summary>
    public JsonElement Value { get; init; }

    /// <summary>The input segment the change applies to (e.g. urgency=high); empty means all traffic.</summary>
    public IReadOnlyDictionary<string, string> Segment { get; init; } = DecisionEvent.EmptyStrings;

    public string? StateVersion { get; init; }
}

/// <summary>What a state event does to its key.</summary>
public enum StateOperation
{
    Set,
    Delete,
}
