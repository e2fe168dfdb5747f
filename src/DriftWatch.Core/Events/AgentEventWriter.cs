using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DriftWatch.Core.Events;

/// <summary>
/// Writes <see cref="DecisionEvent"/> and <see cref="StateEvent"/> as contract JSON (see docs/contracts.md),
/// so that <see cref="AgentEventParser.Parse"/> of the output gives back an equal event.
/// </summary>
/// <remarks>
/// <c>schema</c> is written first, timestamps as RFC 3339 UTC with milliseconds
/// (<c>2026-03-02T08:00:00.780Z</c>; finer digits only when the timestamp has them), optional fields
/// only when set. Events are written as given: a non-finite number makes the writer throw
/// <see cref="ArgumentException"/>, as <see cref="Utf8JsonWriter"/> does.
/// </remarks>
public static class AgentEventWriter
{
    // Messages are never embedded in HTML, so only JSON's own escapes are needed; non-ASCII text stays
    // readable and compact instead of becoming \uXXXX sequences.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="e"/> as one JSON object to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, DecisionEvent e)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        Write(writer, e);
    }

    /// <summary>Writes <paramref name="e"/> as one JSON object to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, StateEvent e)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        Write(writer, e);
    }

    /// <summary>Writes <paramref name="e"/> as one JSON object to <paramref name="output"/> (no trailing newline).</summary>
    public static void Write(Stream output, DecisionEvent e)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        Write(writer, e);
    }

    /// <summary>Writes <paramref name="e"/> as one JSON object to <paramref name="output"/> (no trailing newline).</summary>
    public static void Write(Stream output, StateEvent e)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        Write(writer, e);
    }

    /// <summary>Returns <paramref name="e"/> as UTF-8 contract JSON, e.g. a Kafka message value.</summary>
    public static byte[] ToUtf8Bytes(DecisionEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, e);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Returns <paramref name="e"/> as UTF-8 contract JSON, e.g. a Kafka message value.</summary>
    public static byte[] ToUtf8Bytes(StateEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, e);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="e"/> as one JSON value with <paramref name="writer"/> and flushes it.</summary>
    public static void Write(Utf8JsonWriter writer, DecisionEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);
        writer.WriteStartObject();
        writer.WriteString("schema"u8, DecisionEvent.SchemaId);
        writer.WriteString("event_id"u8, e.EventId);
        writer.WriteString("agent_id"u8, e.AgentId);
        WriteOptional(writer, "agent_version"u8, e.AgentVersion);
        writer.WriteString("environment"u8, e.Environment);
        WriteTimestamp(writer, e.Timestamp);

        writer.WriteStartObject("decision"u8);
        writer.WriteString("name"u8, e.DecisionName);
        writer.WriteString("outcome"u8, e.Outcome);
        WriteOptional(writer, "confidence"u8, e.Confidence);
        writer.WriteEndObject();

        if (e.InputText is not null || e.InputFeatures.Count > 0)
        {
            writer.WriteStartObject("input"u8);
            WriteOptional(writer, "text"u8, e.InputText);
            WriteStrings(writer, "features"u8, e.InputFeatures);
            writer.WriteEndObject();
        }

        if (e.OutputText is not null || e.Sentiment is not null)
        {
            writer.WriteStartObject("output"u8);
            WriteOptional(writer, "text"u8, e.OutputText);
            WriteOptional(writer, "sentiment"u8, e.Sentiment);
            writer.WriteEndObject();
        }

        if (e.ToolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (ToolCall call in e.ToolCalls)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, call.Name);
                WriteOptional(writer, "status"u8, call.Status);
                WriteOptional(writer, "latency_ms"u8, call.LatencyMs);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (e.Metrics.Count > 0)
        {
            writer.WriteStartObject("metrics"u8);
            foreach (KeyValuePair<string, double> metric in e.Metrics)
            {
                writer.WriteNumber(metric.Key, metric.Value);
            }

            writer.WriteEndObject();
        }

        WriteStrings(writer, "labels"u8, e.Labels);
        WriteOptional(writer, "state_version"u8, e.StateVersion);
        WriteOptional(writer, "trace_id"u8, e.TraceId);
        WriteOptional(writer, "span_id"u8, e.SpanId);
        WriteOptional(writer, "parent_agent_id"u8, e.ParentAgentId);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Writes <paramref name="e"/> as one JSON value with <paramref name="writer"/> and flushes it.</summary>
    /// <exception cref="ArgumentException">A "set" event has no <see cref="StateEvent.Value"/>.</exception>
    public static void Write(Utf8JsonWriter writer, StateEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);
        if (e.Op == StateOperation.Set && e.Value.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("A state event with op \"set\" needs a Value.", nameof(e));
        }

        writer.WriteStartObject();
        writer.WriteString("schema"u8, StateEvent.SchemaId);
        writer.WriteString("event_id"u8, e.EventId);
        writer.WriteString("agent_id"u8, e.AgentId);
        writer.WriteString("environment"u8, e.Environment);
        WriteTimestamp(writer, e.Timestamp);
        writer.WriteString("key"u8, e.Key);
        writer.WriteString("op"u8, e.Op == StateOperation.Set ? "set"u8 : "delete"u8);
        if (e.Op == StateOperation.Set)
        {
            writer.WritePropertyName("value"u8);
            e.Value.WriteTo(writer);
        }

        WriteStrings(writer, "segment"u8, e.Segment);
        WriteOptional(writer, "state_version"u8, e.StateVersion);
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, DateTimeOffset timestamp)
    {
        Span<byte> buffer = stackalloc byte[40];
        int length = Rfc3339.Format(timestamp, buffer);
        writer.WriteString("timestamp"u8, buffer[..length]);
    }

    private static void WriteStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (KeyValuePair<string, string> entry in map)
        {
            writer.WriteString(entry.Key, entry.Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is double number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
