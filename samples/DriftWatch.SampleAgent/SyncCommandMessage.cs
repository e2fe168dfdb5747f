using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DriftWatch.SampleAgent;

/// <summary>
/// The fields of a <c>driftwatch.sync/v1</c> command this runtime uses (schemas/driftwatch.sync.v1.schema.json),
/// read with the runtime's own types like <see cref="RollbackCommandMessage"/>.
/// </summary>
internal sealed record SyncCommandMessage
{
    [JsonPropertyName("schema")]
    public string? Schema { get; init; }

    [JsonPropertyName("command_id")]
    public string? CommandId { get; init; }

    [JsonPropertyName("agent_id")]
    public string? AgentId { get; init; }

    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    [JsonPropertyName("source_environment")]
    public string? SourceEnvironment { get; init; }

    [JsonPropertyName("set")]
    public IReadOnlyList<SetMessage>? Set { get; init; }

    [JsonPropertyName("delete")]
    public IReadOnlyList<string>? Delete { get; init; }

    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }

    internal sealed record SetMessage
    {
        [JsonPropertyName("key")]
        public string? Key { get; init; }

        [JsonPropertyName("value")]
        public JsonNode? Value { get; init; }
    }
}
