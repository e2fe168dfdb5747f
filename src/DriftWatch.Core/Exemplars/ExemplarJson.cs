using System.Text.Json;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Exemplars;

/// <summary>
/// Writes the optional <c>exemplars</c> object of an alert line and a <c>driftwatch.incident/v1</c> message:
/// <c>{"segment", "reference": [...], "drifted": [...]}</c>, each exemplar <c>{"event_id", "timestamp", "outcome"}</c>
/// plus <c>input_text</c> and <c>output_text</c> when kept (docs/contracts.md).
/// </summary>
internal static class ExemplarJson
{
    public static void Write(Utf8JsonWriter writer, ExemplarSet? exemplars)
    {
        if (exemplars is null)
        {
            return;
        }

        writer.WriteStartObject("exemplars");
        writer.WriteString("segment", exemplars.Segment);
        WriteList(writer, "reference", exemplars.Reference);
        WriteList(writer, "drifted", exemplars.Drifted);
        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<Exemplar> list)
    {
        writer.WriteStartArray(name);
        Span<byte> time = stackalloc byte[Rfc3339.MaxLength];
        foreach (var exemplar in list)
        {
            writer.WriteStartObject();
            writer.WriteString("event_id", exemplar.EventId);
            writer.WriteString("timestamp", time[..Rfc3339.Format(exemplar.Timestamp, time)]);
            writer.WriteString("outcome", exemplar.Outcome);
            if (exemplar.InputText is { } input)
            {
                writer.WriteString("input_text", input);
            }

            if (exemplar.OutputText is { } output)
            {
                writer.WriteString("output_text", output);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
