using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DriftWatch.SampleAgent;

/// <summary>The fields of a <c>driftwatch.sync/v1</c> command this runtime uses (schemas/driftwatch.sync.v1.schema.json).</summary>
internal sealed record SyncCommandMessage : ControlCommandMessage
{
    [JsonPropertyName("source_environment")]
    public string? SourceEnvironment { get; init; }

    [JsonPropertyName("set")]
    public IReadOnlyList<SetMessage>? Set { get; init; }

    [JsonPropertyName("delete")]
    public IReadOnlyList<string>? Delete { get; init; }

    internal sealed record SetMessage
    {
        [JsonPropertyName("key")]
        public string? Key { get; init; }

        [JsonPropertyName("value")]
        public JsonNode? Value { get; init; }
    }
}
