using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DriftWatch.Client.Wire;

/// <summary>
/// Turns an <see cref="AgentDecision"/> into contract JSON. Misuse (a missing required field, a number
/// DriftWatch would reject) throws here, in the agent's call, rather than ending up on the dead-letter topic.
/// </summary>
internal static class DecisionSerializer
{
    public const string SchemaId = "driftwatch.decision/v1";

    // DriftWatch's limits (docs/contracts.md, "Limits"): longer text is cut here rather than rejected there,
    // and tool calls past the limit are left out; identifiers are the agent's own and are not cut.
    internal const int MaxTextLength = 32_768;
    internal const int MaxToolCalls = 64;

    // Messages are never embedded in HTML; only JSON's own escapes are needed, so non-ASCII stays readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(AgentDecision decision, DateTimeOffset now)
    {
        WireDecision wire = ToWire(decision, now);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, wire, WireJsonContext.Default.WireDecision);
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static WireDecision ToWire(AgentDecision d, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(d);
        Required(d.AgentId, nameof(AgentDecision.AgentId));
        Required(d.DecisionName, nameof(AgentDecision.DecisionName));
        Required(d.Outcome, nameof(AgentDecision.Outcome));
        InRange(d.Confidence, 0, 1, nameof(AgentDecision.Confidence));
        InRange(d.Sentiment, -1, 1, nameof(AgentDecision.Sentiment));

        return new WireDecision
        {
            EventId = string.IsNullOrEmpty(d.EventId) ? Guid.NewGuid().ToString() : d.EventId,
            AgentId = d.AgentId,
            AgentVersion = d.AgentVersion,
            Environment = d.Environment,
            Timestamp = FormatTimestamp(d.Timestamp ?? now),
            Decision = new WireDecisionBody { Name = d.DecisionName, Outcome = d.Outcome, Confidence = d.Confidence },
            Input = d.InputText is null && IsEmpty(d.InputFeatures) ? null
                : new WireInput { Text = Cut(d.InputText), Features = IsEmpty(d.InputFeatures) ? null : d.InputFeatures },
            Output = d.OutputText is null && d.Sentiment is null ? null
                : new WireOutput { Text = Cut(d.OutputText), Sentiment = d.Sentiment },
            ToolCalls = ToolCalls(d.ToolCalls),
            Metrics = Metrics(d.Metrics),
            Labels = IsEmpty(d.Labels) ? null : d.Labels,
            StateVersion = d.StateVersion,
            TraceId = d.TraceId,
            SpanId = d.SpanId,
            ParentAgentId = d.ParentAgentId,
        };
    }

    /// <summary>RFC 3339 in UTC with milliseconds, as DriftWatch writes timestamps itself.</summary>
    internal static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Cuts text to DriftWatch's limit in code points, never between the halves of a surrogate pair.</summary>
    internal static string? Cut(string? text)
    {
        if (text is null || text.Length <= MaxTextLength)
        {
            return text;
        }

        int codePoints = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (codePoints == MaxTextLength)
            {
                return text[..i];
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            codePoints++;
        }

        return text;
    }

    private static List<WireToolCall>? ToolCalls(IReadOnlyList<AgentToolCall>? calls)
    {
        if (calls is null || calls.Count == 0)
        {
            return null;
        }

        var wire = new List<WireToolCall>(Math.Min(calls.Count, MaxToolCalls));
        foreach (AgentToolCall call in calls.Take(MaxToolCalls))
        {
            Required(call.Name, "ToolCalls[].Name");
            if (call.LatencyMs is { } latency && !(double.IsFinite(latency) && latency >= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(AgentDecision.ToolCalls), latency, "A tool call's LatencyMs must be a finite number >= 0.");
            }

            wire.Add(new WireToolCall { Name = call.Name, Status = string.IsNullOrEmpty(call.Status) ? null : call.Status, LatencyMs = call.LatencyMs });
        }

        return wire;
    }

    private static IReadOnlyDictionary<string, double>? Metrics(IReadOnlyDictionary<string, double>? metrics)
    {
        if (IsEmpty(metrics))
        {
            return null;
        }

        foreach (KeyValuePair<string, double> metric in metrics!)
        {
            if (!double.IsFinite(metric.Value))
            {
                throw new ArgumentOutOfRangeException(nameof(AgentDecision.Metrics), metric.Value, $"Metric '{metric.Key}' must be a finite number.");
            }
        }

        return metrics;
    }

    private static bool IsEmpty<T>(IReadOnlyCollection<T>? items) => items is null || items.Count == 0;

    private static void Required(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{name} is required and must not be empty.", name);
        }
    }

    private static void InRange(double? value, double min, double max, string name)
    {
        if (value is { } v && !(v >= min && v <= max))
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be in [{min}, {max}].");
        }
    }
}
