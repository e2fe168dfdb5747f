using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Writes an <see cref="Incident"/> as one <c>driftwatch.incident/v1</c> JSON line (docs/contracts.md). The
/// <c>schema</c> field tells it apart from an alert line on the same topic or in the same file.
/// </summary>
public static class IncidentJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The incident as one line of JSON (no trailing newline).</summary>
    public static string Format(Incident incident)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(buffer, incident);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the incident as one JSON object to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("schema", Incident.SchemaId);
        writer.WriteString("id", incident.Id);
        writer.WriteString("agent_id", incident.Key.AgentId);
        writer.WriteString("environment", incident.Key.Environment);
        writer.WriteString("decision", incident.Key.DecisionName);
        writer.WriteString("status", StatusName(incident.Status));
        WriteTime(writer, "started_at", incident.StartedAt);
        WriteTime(writer, "updated_at", incident.UpdatedAt);
        if (incident.Root is { } root)
        {
            writer.WriteString("root_segment", root.Segment);
            writer.WriteString("root_summary", root.Sentence);
        }
        else
        {
            writer.WriteNull("root_segment");
            writer.WriteNull("root_summary");
        }

        if (incident.Upstream is { } upstream)
        {
            // Optional and additive: written only when an upstream cause is known.
            writer.WriteStartObject("upstream");
            writer.WriteString("agent_id", upstream.AgentId);
            writer.WriteString("incident_id", upstream.IncidentId);
            WriteTime(writer, "started_at", upstream.StartedAt);
            WriteNumber(writer, "share", upstream.Share);
            if (upstream.Segment is { } segment)
            {
                writer.WriteString("segment", segment);
            }
            else
            {
                writer.WriteNull("segment");
            }

            writer.WriteString("summary", upstream.Sentence);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("roots");
        foreach (var r in incident.Roots)
        {
            writer.WriteStartObject();
            writer.WriteString("segment", r.Segment);
            writer.WriteString("feature", r.Root.Format());
            writer.WriteStartArray("explains");
            foreach (var explained in r.Explains)
            {
                writer.WriteStringValue(explained.Format());
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("features");
        foreach (var f in incident.Features)
        {
            writer.WriteStartObject();
            writer.WriteString("feature", f.Feature);
            writer.WriteString("detector", f.Detector);
            WriteNumber(writer, "score", f.Score);
            WriteNumber(writer, "threshold", f.Threshold);
            WriteNumber(writer, "evidence", f.Evidence);
            if (f.Effect is { } effect)
            {
                WriteNumber(writer, "effect", effect);
            }
            else
            {
                writer.WriteNull("effect");
            }

            writer.WriteString("severity", f.Severity == AlertSeverity.Critical ? "critical" : "warning");
            WriteTime(writer, "detected_at", f.DetectedAt);
            writer.WriteString("alert_key", f.AlertKey);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("alert_keys");
        foreach (var f in incident.Features)
        {
            writer.WriteStringValue(f.AlertKey);
        }

        writer.WriteEndArray();
        Exemplars.ExemplarJson.Write(writer, incident.Exemplars);
        writer.WriteEndObject();
    }

    /// <summary>The contract name of a status.</summary>
    public static string StatusName(IncidentStatus status) => status switch
    {
        IncidentStatus.Opened => "opened",
        IncidentStatus.Updated => "updated",
        IncidentStatus.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown incident status."),
    };

    private static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
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
