using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace DriftWatch.Core.Detection;

/// <summary>
/// Writes a <see cref="DriftAlert"/> as the alert line of CONTRACT.md section 3. The replay command, the
/// alerts topic and the audit trail all use this one format.
/// </summary>
public static class DriftAlertJson
{
    /// <summary>Returns the alert as one line of UTF-8 JSON (no trailing newline).</summary>
    public static byte[] ToUtf8(DriftAlert alert)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, alert);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the alert as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, DriftAlert alert)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(alert);
        writer.WriteStartObject();
        writer.WriteString("agent_id", alert.Key.AgentId);
        writer.WriteString("environment", alert.Key.Environment);
        writer.WriteString("decision", alert.Key.DecisionName);
        writer.WriteString("feature", alert.Feature);
        writer.WriteString("detector", alert.Detector);
        writer.WriteNumber("score", Round(alert.Score));
        writer.WriteNumber("threshold", Round(alert.Threshold));
        writer.WriteString("severity", alert.Severity == AlertSeverity.Critical ? "critical" : "warning");
        writer.WriteString("detected_at", FormatTime(alert.DetectedAt));
        writer.WriteString("window_start", FormatTime(alert.WindowStart));
        writer.WriteString("window_end", FormatTime(alert.WindowEnd));
        writer.WriteString("summary", alert.Summary);
        writer.WriteStartArray("top_shifts");
        foreach (var shift in alert.TopShifts)
        {
            writer.WriteStartObject();
            writer.WriteString("value", shift.Value);
            writer.WriteNumber("reference", Round(shift.Reference));
            writer.WriteNumber("current", Round(shift.Current));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>RFC 3339 UTC with milliseconds, as every DriftWatch contract writes time.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // Scores are compared across runs by eye and by diff; six significant decimals keep files stable
    // without hiding anything a threshold decision depends on.
    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : 0;
}
