using System.Text.Json.Serialization;

namespace DriftWatch.SampleAgent;

/// <summary>The fields of a <c>driftwatch.rollback/v1</c> command this runtime uses (schemas/driftwatch.rollback.v1.schema.json).</summary>
internal sealed record RollbackCommandMessage : ControlCommandMessage
{
    [JsonPropertyName("target")]
    public TargetMessage? Target { get; init; }

    [JsonPropertyName("revert_keys")]
    public IReadOnlyList<string>? RevertKeys { get; init; }

    internal sealed record TargetMessage
    {
        [JsonPropertyName("agent_version")]
        public string? AgentVersion { get; init; }

        [JsonPropertyName("state_version")]
        public string? StateVersion { get; init; }
    }
}
