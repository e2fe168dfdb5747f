using System.Text.Json.Serialization;

namespace DriftWatch.SampleAgent;

/// <summary>
/// The fields of a <c>driftwatch.rollback/v1</c> command this runtime uses. An agent reads the contract
/// (schemas/driftwatch.rollback.v1.schema.json) with its own types; it does not need DriftWatch libraries.
/// </summary>
internal sealed record RollbackCommandMessage
{
    [JsonPropertyName("schema")]
    public string? Schema { get; init; }

    [JsonPropertyName("command_id")]
    public string? CommandId { get; init; }

    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    [JsonPropertyName("target")]
    public TargetMessage? Target { get; init; }

    [JsonPropertyName("revert_keys")]
    public IReadOnlyList<string>? RevertKeys { get; init; }

    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }

    internal sealed record TargetMessage
    {
        [JsonPropertyName("agent_version")]
        public string? AgentVersion { get; init; }

        [JsonPropertyName("state_version")]
        public string? StateVersion { get; init; }
    }
}
