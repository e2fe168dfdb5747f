using System.Text.Json.Serialization;

namespace DriftWatch.Client.Wire;

// The contract's nested shape. Property order is the order on the wire: schema first, because DriftWatch's
// parser looks the schema up before anything else and finds it fastest there.
internal sealed class WireDecision
{
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = DecisionSerializer.SchemaId;

    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    [JsonPropertyName("agent_version")]
    public string? AgentVersion { get; init; }

    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }

    [JsonPropertyName("decision")]
    public required WireDecisionBody Decision { get; init; }

    [JsonPropertyName("input")]
    public WireInput? Input { get; init; }

    [JsonPropertyName("output")]
    public WireOutput? Output { get; init; }

    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<WireToolCall>? ToolCalls { get; init; }

    [JsonPropertyName("metrics")]
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("state_version")]
    public string? StateVersion { get; init; }

    [JsonPropertyName("trace_id")]
    public string? TraceId { get; init; }

    [JsonPropertyName("span_id")]
    public string? SpanId { get; init; }

    [JsonPropertyName("parent_agent_id")]
    public string? ParentAgentId { get; init; }
}

internal sealed class WireDecisionBody
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("outcome")]
    public required string Outcome { get; init; }

    [JsonPropertyName("confidence")]
    public double? Confidence { get; init; }
}

internal sealed class WireInput
{
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("features")]
    public IReadOnlyDictionary<string, string>? Features { get; init; }
}

internal sealed class WireOutput
{
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("sentiment")]
    public double? Sentiment { get; init; }
}

internal sealed class WireToolCall
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("latency_ms")]
    public double? LatencyMs { get; init; }
}

// Source-generated: no reflection at run time, so the client stays trimming- and AOT-friendly in agents.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireDecision))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
