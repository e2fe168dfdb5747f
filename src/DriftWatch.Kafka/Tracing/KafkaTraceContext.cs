using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using OpenTelemetry.Context.Propagation;

namespace DriftWatch.Kafka.Tracing;

/// <summary>
/// W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in Kafka message headers, read and written by
/// OpenTelemetry's <see cref="TraceContextPropagator"/>: an agent that sends its trace context with an event
/// sees DriftWatch's spans, alert and rollback command in the same trace.
/// </summary>
public static class KafkaTraceContext
{
    /// <summary>The W3C header that carries the trace and parent span ids.</summary>
    public const string TraceParentHeader = "traceparent";

    private static readonly TraceContextPropagator Propagator = new();

    /// <summary>The context in <paramref name="headers"/>, or default when they carry none (or a malformed one).</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        // Most events carry no trace context: one header lookup, and no propagator work, for those.
        if (headers is null || !headers.TryGetLastBytes(TraceParentHeader, out _))
        {
            return default;
        }

        return Propagator.Extract(default, headers, static (h, name) => h.TryGetLastBytes(name, out var value) ? [Encoding.UTF8.GetString(value)] : []).ActivityContext;
    }

    /// <summary>Writes <paramref name="context"/> into <paramref name="headers"/>, replacing any trace context there; nothing for an invalid context.</summary>
    public static void Inject(ActivityContext context, Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (context == default)
        {
            return;
        }

        Propagator.Inject(new PropagationContext(context, default), headers, static (h, name, value) =>
        {
            h.Remove(name);
            h.Add(name, Encoding.UTF8.GetBytes(value));
        });
    }
}
