using DriftWatch.Core.Events;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Mapping;
using DriftWatch.Otlp.Proto.Collector;

namespace DriftWatch.Otlp.Kafka;

/// <summary>What one OTLP Kafka message held.</summary>
/// <param name="Error">Why the payload is not OTLP trace data (the message goes to the dead-letter topic); null when it is.</param>
/// <param name="Events">The decision events, tool calls joined, in span order.</param>
/// <param name="RejectedSpans">Decision spans that could not be mapped.</param>
/// <param name="FirstRejection">Why the first of them was rejected.</param>
public sealed record OtlpKafkaMessage(string? Error, IReadOnlyList<DecisionEvent> Events, long RejectedSpans, string? FirstRejection);

/// <summary>
/// Decodes one message written by the Collector's Kafka exporter (<c>otlp_proto</c> or <c>otlp_json</c>
/// encoding; one <c>ExportTraceServiceRequest</c> per message) into decision events. Tool spans are joined
/// within the message: the exporter batches a trace's spans together, and a Kafka consumer has no wait to
/// offer without holding offsets back.
/// </summary>
public static class OtlpKafkaDecoder
{
    /// <summary>The kafkaexporter encoding names, as configured in the Collector.</summary>
    public static OtlpEncoding ParseEncoding(string name) => name switch
    {
        "otlp_proto" => OtlpEncoding.Protobuf,
        "otlp_json" => OtlpEncoding.Json,
        _ => throw new ArgumentException($"Unknown OTLP Kafka encoding '{name}'; expected otlp_proto or otlp_json.", nameof(name)),
    };

    /// <summary>Decodes <paramref name="value"/>. Never throws for bad input.</summary>
    public static OtlpKafkaMessage Decode(ReadOnlySpan<byte> value, OtlpEncoding encoding)
    {
        if (value.Length > OtlpLimits.MaxKafkaMessageBytes)
        {
            return new OtlpKafkaMessage($"message: {value.Length} bytes exceeds the {OtlpLimits.MaxKafkaMessageBytes}-byte limit", [], 0, null);
        }

        string? error = OtlpTraceDecoder.TryDecode(value, encoding, out ExportTraceServiceRequest? request);
        if (error is not null)
        {
            return new OtlpKafkaMessage(error, [], 0, null);
        }

        MappedSpans mapped = SpanDecisionMapper.Map(request!);
        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.Zero, Math.Max(1, mapped.Decisions.Count + mapped.ToolSpans.Count));
        joiner.Add(mapped, mapped.LatestEnd);
        var events = new List<DecisionEvent>(mapped.Decisions.Count);
        foreach (ToolCallJoiner.Released released in joiner.TakeAll())
        {
            if (released.Event is not null)
            {
                events.Add(released.Event);
            }
        }

        return new OtlpKafkaMessage(null, events, mapped.Rejected, mapped.FirstError);
    }
}
