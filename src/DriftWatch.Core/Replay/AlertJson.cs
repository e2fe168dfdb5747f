using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Replay;

/// <summary>
/// Writes a <see cref="DriftAlert"/> as one alert line of CONTRACT.md section 3: agent_id, environment,
/// feature, detector, score, threshold, severity, detected_at, window_start, window_end, then decision,
/// summary and top_shifts. Timestamps are RFC 3339 UTC with milliseconds.
/// </summary>
public static class AlertJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The alert as one line of JSON (no trailing newline).</summary>
    public static string Format(DriftAlert alert)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, alert);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the alert as one JSON object to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, DriftAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("agent_id", alert.Key.AgentId);
        writer.WriteString("environment", alert.Key.Environment);
        writer.WriteString("feature", alert.Feature);
        writer.WriteString("detector", alert.Detector);
        WriteNumber(writer, "score", alert.Score);
        WriteNumber(writer, "threshold", alert.Threshold);
        writer.WriteString("severity", alert.Severity == AlertSeverity.Critical ? "critical" : "warning");
        WriteTime(writer, "detected_at", alert.DetectedAt);
        WriteTime(writer, "window_start", alert.WindowStart);
        WriteTime(writer, "window_end", alert.WindowEnd);
        writer.WriteString("decision", alert.Key.DecisionName);
        writer.WriteString("summary", alert.Summary);
        writer.WriteStartArray("top_shifts");
        foreach (var shift in alert.TopShifts)
        {
            writer.WriteStartObject();
            writer.WriteString("value", shift.Value);
            WriteNumber(writer, "reference", shift.Reference);
            WriteNumber(writer, "current", shift.Current);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        Exemplars.ExemplarJson.Write(writer, alert.Exemplars);
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        // JSON has no infinities or NaN; a consumer reads null as "not defined".
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[Rfc3339.MaxLength];
        writer.WriteString(name, text[..Rfc3339.Format(value, text)]);
    }
}
