using System.Text.Json.Serialization;

namespace DriftWatch.SampleAgent;

/// <summary>
/// The envelope every command on agent-control shares (<c>driftwatch.rollback/v1</c>, <c>driftwatch.sync/v1</c>).
/// An agent reads the contract (schemas/) with its own types; it does not need DriftWatch libraries.
/// </summary>
internal abstract record ControlCommandMessage
{
    [JsonPropertyName("schema")]
    public string? Schema { get; init; }

    [JsonPropertyName("command_id")]
    public string? CommandId { get; init; }

    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }
}
