using DriftWatch.Otlp.Proto.Collector;
using DriftWatch.Otlp.Proto.Common;
using DriftWatch.Otlp.Proto.Resource;
using DriftWatch.Otlp.Proto.Trace;
using Google.Protobuf;

namespace DriftWatch.Otlp.Tests;

/// <summary>Builds OTLP trace data for tests.</summary>
internal static class Spans
{
    public const string TraceHex = "5b8efff798038103d269b633813fc60c";
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static ExportTraceServiceRequest Request(IEnumerable<KeyValuePair<string, object>> resource, params Span[] spans)
    {
        var r = new Resource();
        r.Attributes.AddRange(resource.Select(a => Kv(a.Key, a.Value)));
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scope.Spans.AddRange(spans);
        var rs = new ResourceSpans { Resource = r };
        rs.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(rs);
        return request;
    }

    public static ExportTraceServiceRequest Request(params Span[] spans) =>
        Request([new("service.name", "support-router"), new("service.version", "2026.02.1"), new("deployment.environment.name", "staging")], spans);

    public static Span Decision(string spanHex, string outcome, double startSeconds = 0, double durationMs = 500, string traceHex = TraceHex, string? parentHex = null, params (string Key, object Value)[] extra)
    {
        var span = Span(spanHex, "route ticket", startSeconds, durationMs, traceHex, parentHex);
        span.Attributes.Add(Kv("driftwatch.decision.name", "route"));
        span.Attributes.Add(Kv("driftwatch.decision.outcome", outcome));
        span.Attributes.AddRange(extra.Select(e => Kv(e.Key, e.Value)));
        return span;
    }

    public static Span Tool(string spanHex, string parentHex, string tool, bool error = false, double startSeconds = 0.1, double durationMs = 100, string traceHex = TraceHex)
    {
        var span = Span(spanHex, "execute_tool " + tool, startSeconds, durationMs, traceHex, parentHex);
        span.Attributes.Add(Kv("gen_ai.operation.name", "execute_tool"));
        span.Attributes.Add(Kv("gen_ai.tool.name", tool));
        if (error)
        {
            span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" };
        }

        return span;
    }

    public static Span Span(string spanHex, string name, double startSeconds, double durationMs, string traceHex = TraceHex, string? parentHex = null)
    {
        ulong start = Nanos(Start.AddSeconds(startSeconds));
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceHex)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanHex)),
            Name = name,
            Kind = Proto.Trace.Span.Types.SpanKind.Internal,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + (ulong)(durationMs * 1e6),
        };
        if (parentHex is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parentHex));
        }

        return span;
    }

    public static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static KeyValue Kv(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            bool b => new AnyValue { BoolValue = b },
            int i => new AnyValue { IntValue = i },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            string[] items => Array(items),
            _ => throw new ArgumentException($"unsupported attribute type {value.GetType()}", nameof(value)),
        },
    };

    private static AnyValue Array(string[] items)
    {
        var array = new ArrayValue();
        array.Values.AddRange(items.Select(i => new AnyValue { StringValue = i }));
        return new AnyValue { ArrayValue = array };
    }
}
