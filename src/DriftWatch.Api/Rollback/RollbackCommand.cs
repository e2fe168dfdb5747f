using System.Text.Json.Serialization;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// A rollback plan as sent to an agent runtime: the <c>driftwatch.rollback/v1</c> contract
/// (schemas/driftwatch.rollback.v1.schema.json, docs/rollback.md).
/// </summary>
public sealed record RollbackCommand
{
    /// <summary>Schema identifier carried by every rollback command.</summary>
    public const string SchemaId = "driftwatch.rollback/v1";

    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaId;

    /// <summary>Stable per alert episode, so a runtime can ignore a command it already applied.</summary>
    [JsonPropertyName("command_id")]
    public required string CommandId { get; init; }

    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("environment")]
    public required string Environment { get; init; }

    [JsonPropertyName("issued_at")]
    public required DateTimeOffset IssuedAt { get; init; }

    [JsonPropertyName("target")]
    public required RollbackTarget Target { get; init; }

    [JsonPropertyName("scope")]
    public required RollbackScope Scope { get; init; }

    /// <summary>State keys to revert to their value at the target state version; empty means the whole state.</summary>
    [JsonPropertyName("revert_keys")]
    public IReadOnlyList<string> RevertKeys { get; init; } = [];

    [JsonPropertyName("reason")]
    public required RollbackReason Reason { get; init; }

    /// <summary>True when the command only describes what would be reverted.</summary>
    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }

    /// <summary>
    /// When the drift's incident names an upstream cause (docs/propagation.md): the upstream agent's rollback,
    /// to apply before this one, since reverting this agent alone leaves it fed the drifted inputs. Absent otherwise.
    /// </summary>
    [JsonPropertyName("upstream_first")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UpstreamRollback? UpstreamFirst { get; init; }
}

/// <summary>The rollback of the agent upstream of a drift, listed in the plan before the drifted agent's own.</summary>
public sealed record UpstreamRollback
{
    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    /// <summary>The upstream agent's incident the drift is traced to.</summary>
    [JsonPropertyName("incident_id")]
    public required string IncidentId { get; init; }

    /// <summary>Share of the drifted agent's changed inputs that came from the upstream agent's drifted decisions.</summary>
    [JsonPropertyName("share")]
    public double Share { get; init; }

    [JsonPropertyName("target")]
    public required RollbackTarget Target { get; init; }

    /// <summary>The upstream agent's state keys changed since its last good baseline, in its drifted segment.</summary>
    [JsonPropertyName("revert_keys")]
    public IReadOnlyList<string> RevertKeys { get; init; } = [];
}

/// <summary>The last good behaviour to return to.</summary>
public sealed record RollbackTarget
{
    [JsonPropertyName("agent_version")]
    public string? AgentVersion { get; init; }

    [JsonPropertyName("state_version")]
    public string? StateVersion { get; init; }

    /// <summary>The pinned behavioural snapshot the target was taken from, when one exists.</summary>
    [JsonPropertyName("snapshot_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SnapshotId { get; init; }
}

/// <summary>What drifted: the features and the input segments the rollback is meant for.</summary>
public sealed record RollbackScope
{
    [JsonPropertyName("features")]
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Input segments, e.g. <c>{"urgency": "high"}</c>; empty means all traffic.</summary>
    [JsonPropertyName("segments")]
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Segments { get; init; } = [];
}

/// <summary>The alert that caused the rollback.</summary>
public sealed record RollbackReason
{
    /// <summary><c>grafana</c> or <c>alertmanager</c>.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    [JsonPropertyName("fingerprint")]
    public required string Fingerprint { get; init; }

    [JsonPropertyName("starts_at")]
    public required DateTimeOffset StartsAt { get; init; }

    [JsonPropertyName("feature")]
    public required string Feature { get; init; }

    [JsonPropertyName("summary")]
    public string? Summary { get; init; }
}
