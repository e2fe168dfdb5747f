using System.Text.Json.Serialization;
using DriftWatch.Api.Rollback;

namespace DriftWatch.Api.Audit;

/// <summary>
/// One line of the audit trail. Every alert received, the decision taken about it, the plan and the result of
/// executing it are separate records that share <see cref="AlertKey"/>.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>When DriftWatch wrote the record.</summary>
    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>One of the <see cref="AuditKinds"/> values.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary><c>grafana</c> or <c>alertmanager</c>.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    /// <summary>Identifies one alert episode: fingerprint and start time. Duplicate deliveries share it.</summary>
    [JsonPropertyName("alert_key")]
    public string? AlertKey { get; init; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; init; }

    [JsonPropertyName("starts_at")]
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>The alert's status as received: <c>firing</c> or <c>resolved</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    [JsonPropertyName("feature")]
    public string? Feature { get; init; }

    /// <summary>For <see cref="AuditKinds.Decision"/> records: one of the <see cref="AuditDecisions"/> values.</summary>
    [JsonPropertyName("decision")]
    public string? Decision { get; init; }

    [JsonPropertyName("command_id")]
    public string? CommandId { get; init; }

    /// <summary>Human-readable detail: why, or what an execution path answered.</summary>
    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    /// <summary>For <see cref="AuditKinds.Plan"/> records: the rollback command as planned.</summary>
    [JsonPropertyName("command")]
    public RollbackCommand? Command { get; init; }

    /// <summary>For <see cref="AuditKinds.Plan"/> records of a state sync (source <c>sync</c>): the sync command as planned.</summary>
    [JsonPropertyName("sync_command")]
    public Sync.StateSyncCommand? SyncCommand { get; init; }

    /// <summary>For <see cref="AuditKinds.Execution"/> records: whether every delivery path succeeded.</summary>
    [JsonPropertyName("succeeded")]
    public bool? Succeeded { get; init; }
}

/// <summary>Values of <see cref="AuditRecord.Kind"/>.</summary>
public static class AuditKinds
{
    public const string Received = "received";
    public const string Decision = "decision";
    public const string Plan = "plan";
    public const string Execution = "execution";

    /// <summary>A notification refused as a whole (malformed, missing labels, unknown agent); nothing was executed.</summary>
    public const string Rejected = "rejected";
}

/// <summary>Values of <see cref="AuditRecord.Decision"/>.</summary>
public static class AuditDecisions
{
    public const string Executed = "executed";
    public const string Duplicate = "duplicate";
    public const string DryRun = "dry-run";
    public const string NotAllowed = "not-allowed";
    public const string Resolved = "resolved";
    public const string Failed = "failed";
}
