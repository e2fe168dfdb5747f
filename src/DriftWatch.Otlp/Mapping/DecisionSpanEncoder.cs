using System.Security.Cryptography;
using System.Text;
using DriftWatch.Core.Events;
using DriftWatch.Otlp.Proto.Collector;
using DriftWatch.Otlp.Proto.Common;
using DriftWatch.Otlp.Proto.Resource;
using DriftWatch.Otlp.Proto.Trace;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// The inverse of <see cref="SpanDecisionMapper"/>: writes decision events as OTLP spans carrying
/// <c>driftwatch.*</c> attributes, with one <c>execute_tool</c> child span per tool call. Mapping the result
/// back gives the same events (but for <c>event_id</c>, which becomes the span id), so a recording can be
/// replayed as Collector output and must raise the same alerts; also what benchmarks and tests send.
/// </summary>
internal static class DecisionSpanEncoder
{
    /// <summary>One request holding every event as its own resource (agent, version, environment).</summary>
    public static ExportTraceServiceRequest ToRequest(IEnumerable<DecisionEvent> events)
    {
        var request = new ExportTraceServiceRequest();
        foreach (DecisionEvent e in events)
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "DriftWatch.Otlp" } };
            AddSpans(e, scope.Spans);
            var resourceSpans = new ResourceSpans { Resource = ResourceOf(e) };
            resourceSpans.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    private static Resource ResourceOf(DecisionEvent e)
    {
        var resource = new Resource();
        resource.Attributes.Add(Kv(SpanAttributes.ServiceName, e.AgentId));
        if (e.AgentVersion is not null)
        {
            resource.Attributes.Add(Kv(SpanAttributes.ServiceVersion, e.AgentVersion));
        }

        resource.Attributes.Add(Kv(SpanAttributes.DeploymentEnvironmentName, e.Environment));
        return resource;
    }

    private static void AddSpans(DecisionEvent e, ICollection<Span> into)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(e.EventId));
        ByteString traceId = ByteString.CopyFrom(digest, 0, 16);
        ByteString spanId = ByteString.CopyFrom(digest, 16, 8);
        ulong end = Nanos(e.Timestamp);
        // Without a latency the start is left unknown (0), so the mapping adds no latency_ms the event lacked.
        ulong start = e.Metrics.TryGetValue("latency_ms", out double latency) ? end - (ulong)Math.Round(latency * 1e6) : 0;
        var span = new Span { TraceId = traceId, SpanId = spanId, Name = e.DecisionName, Kind = Span.Types.SpanKind.Internal, StartTimeUnixNano = start, EndTimeUnixNano = end };
        RepeatedField<KeyValue> a = span.Attributes;
        a.Add(Kv(SpanAttributes.DecisionName, e.DecisionName));
        a.Add(Kv(SpanAttributes.DecisionOutcome, e.Outcome));
        if (e.Confidence is double confidence)
        {
            a.Add(Kv(SpanAttributes.DecisionConfidence, confidence));
        }

        if (e.InputText is not null)
        {
            a.Add(Kv(SpanAttributes.InputText, e.InputText));
        }

        foreach (var feature in e.InputFeatures)
        {
            a.Add(Kv(SpanAttributes.InputFeaturePrefix + feature.Key, feature.Value));
        }

        if (e.OutputText is not null)
        {
            a.Add(Kv(SpanAttributes.OutputText, e.OutputText));
        }

        if (e.Sentiment is double sentiment)
        {
            a.Add(Kv(SpanAttributes.OutputSentiment, sentiment));
        }

        // Metrics and labels as driftwatch.* attributes, in the event's order, so the mapped event equals it exactly.
        foreach (var metric in e.Metrics)
        {
            a.Add(Kv(SpanAttributes.MetricPrefix + metric.Key, metric.Value));
        }

        foreach (var label in e.Labels)
        {
            a.Add(Kv(SpanAttributes.LabelPrefix + label.Key, label.Value));
        }

        if (e.StateVersion is not null)
        {
            a.Add(Kv(SpanAttributes.StateVersion, e.StateVersion));
        }

        if (e.ParentAgentId is not null)
        {
            a.Add(Kv(SpanAttributes.ParentAgentId, e.ParentAgentId));
        }

        int index = 0;
        foreach (ToolCall call in e.ToolCalls)
        {
            byte[] toolDigest = SHA256.HashData(Encoding.UTF8.GetBytes($"{e.EventId}/tool/{index++}"));
            ulong toolEnd = start == 0 ? end : Math.Min(end, start + (ulong)Math.Round((call.LatencyMs ?? 0) * 1e6));
            var tool = new Span
            {
                TraceId = traceId,
                SpanId = ByteString.CopyFrom(toolDigest, 0, 8),
                ParentSpanId = spanId,
                Name = "execute_tool " + call.Name,
                Kind = Span.Types.SpanKind.Internal,
                StartTimeUnixNano = toolEnd - (ulong)Math.Round((call.LatencyMs ?? 0) * 1e6),
                EndTimeUnixNano = toolEnd,
            };
            tool.Attributes.Add(Kv(SpanAttributes.OperationName, SpanAttributes.ExecuteTool));
            tool.Attributes.Add(Kv(SpanAttributes.ToolName, call.Name));
            if (call.Status == "error")
            {
                tool.Status = new Status { Code = Status.Types.StatusCode.Error };
            }

            // Children end before their parent and SDKs export in end order: the tool spans come first.
            into.Add(tool);
        }

        into.Add(span);
    }

    private static ulong Nanos(DateTimeOffset time) => (ulong)(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static KeyValue Kv(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Kv(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };
}
