using DriftWatch.Core.Events;
using DriftWatch.Otlp.Proto.Collector;
using DriftWatch.Otlp.Proto.Common;
using DriftWatch.Otlp.Proto.Trace;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// Maps OTLP trace data to decision events (CONTRACT.md section 4, docs/contracts.md "OpenTelemetry spans").
/// Pure: no I/O and no clock. A span is a decision when it carries <c>driftwatch.decision.name</c> or is a
/// GenAI <c>invoke_agent</c> span; an <c>execute_tool</c> span is a tool call of its parent; every other span
/// is ignored. A decision span that cannot be mapped is rejected with a reason, never thrown over.
/// </summary>
internal static class SpanDecisionMapper
{
    /// <summary>Decision name of an <c>invoke_agent</c> span that names none itself.</summary>
    public const string InvokeAgentDecisionName = SpanAttributes.InvokeAgent;

    public static MappedSpans Map(ExportTraceServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = new MappedSpans();
        foreach (ResourceSpans resourceSpans in request.ResourceSpans)
        {
            var resource = ResourceInfo.From(resourceSpans.Resource);
            foreach (ScopeSpans scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (Span span in scopeSpans.Spans)
                {
                    MapSpan(span, resource, result);
                }
            }
        }

        LinkParentAgents(result);
        if (result.ToolSpans.Count > 0)
        {
            LiftToolSpansToDecisions(request, result);
        }

        return result;
    }

    /// <summary>
    /// Instrumentations put spans between a decision and its tool calls (Microsoft.Extensions.AI's function
    /// invocation wraps them in an orchestration span, a chat span may sit in between): a tool span belongs to
    /// its nearest decision ancestor. Within one request the ancestry is walked up to that decision, or else to
    /// the topmost ancestor the request holds, which is the key a decision arriving later is looked up by.
    /// </summary>
    private static void LiftToolSpansToDecisions(ExportTraceServiceRequest request, MappedSpans result)
    {
        var decisions = new HashSet<(string, string)>(result.Decisions.Count);
        foreach (DecisionSpan d in result.Decisions)
        {
            decisions.Add((d.TraceId, d.SpanId));
        }

        Dictionary<(string, string), string>? parents = null;
        for (int i = 0; i < result.ToolSpans.Count; i++)
        {
            ToolSpan tool = result.ToolSpans[i];
            var key = (tool.TraceId, tool.ParentSpanId);
            if (decisions.Contains(key))
            {
                continue;
            }

            parents ??= ParentsOf(request);
            // Bounded: a malicious request could describe a cycle.
            for (int hops = 0; hops < 64 && !decisions.Contains(key) && parents.TryGetValue(key, out string? up); hops++)
            {
                key = (key.TraceId, up);
            }

            if (key.ParentSpanId != tool.ParentSpanId)
            {
                result.ToolSpans[i] = tool with { ParentSpanId = key.ParentSpanId };
            }
        }
    }

    private static Dictionary<(string, string), string> ParentsOf(ExportTraceServiceRequest request)
    {
        var parents = new Dictionary<(string, string), string>();
        foreach (ResourceSpans resourceSpans in request.ResourceSpans)
        {
            foreach (ScopeSpans scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (Span span in scopeSpans.Spans)
                {
                    if (span.ParentSpanId.Length == 8 && span.SpanId.Length == 8 && span.TraceId.Length == 16)
                    {
                        parents.TryAdd((Hex(span.TraceId), Hex(span.SpanId)), Hex(span.ParentSpanId));
                    }
                }
            }
        }

        return parents;
    }

    private static void MapSpan(Span span, in ResourceInfo resource, MappedSpans result)
    {
        // One cheap pass decides what the span is before anything is allocated for it: most spans of an
        // instrumented service are neither decisions nor tool calls.
        bool hasDecisionName = false;
        string? operation = null;
        foreach (KeyValue attribute in span.Attributes)
        {
            if (attribute.Key == SpanAttributes.DecisionName)
            {
                hasDecisionName = true;
            }
            else if (attribute.Key == SpanAttributes.OperationName)
            {
                operation = AttributeValues.AsString(attribute.Value);
            }
        }

        if (hasDecisionName || operation == SpanAttributes.InvokeAgent)
        {
            MapDecision(span, resource, result);
        }
        else if (operation == SpanAttributes.ExecuteTool)
        {
            MapTool(span, result);
        }
        else
        {
            result.Ignored++;
        }

        if (span.EndTimeUnixNano != 0 && TryTime(span.EndTimeUnixNano, out DateTimeOffset end) && end > result.LatestEnd)
        {
            result.LatestEnd = end;
        }
    }

    private static void MapTool(Span span, MappedSpans result)
    {
        // A tool span without a parent or a valid id cannot be attached to anything; it is not a decision, so
        // it is ignored rather than rejected.
        if (span.TraceId.Length != 16 || span.ParentSpanId.Length != 8)
        {
            result.Ignored++;
            return;
        }

        string? name = null;
        foreach (KeyValue attribute in span.Attributes)
        {
            if (attribute.Key == SpanAttributes.ToolName)
            {
                name = AttributeValues.AsString(attribute.Value);
            }
        }

        name = Identifier(name) ?? Identifier(span.Name) ?? "unknown";
        string status = span.Status?.Code == Status.Types.StatusCode.Error ? "error" : "ok";
        TryTime(span.EndTimeUnixNano, out DateTimeOffset end);
        result.ToolSpans.Add(new ToolSpan(Hex(span.TraceId), Hex(span.ParentSpanId), new ToolCall(name, status, DurationMs(span)), end));
    }

    private static void MapDecision(Span span, in ResourceInfo resource, MappedSpans result)
    {
        if (span.TraceId.Length != 16 || span.SpanId.Length != 8)
        {
            result.Reject($"span {Hex(span.SpanId)}: traceId must be 16 bytes and spanId 8 bytes");
            return;
        }

        string spanId = Hex(span.SpanId);
        var draft = new SpanDraft();
        foreach (KeyValue attribute in span.Attributes)
        {
            string? error = draft.Read(attribute.Key, attribute.Value);
            if (error is not null)
            {
                result.Reject($"span {spanId}: {error}");
                return;
            }
        }

        string? failure = Build(span, spanId, resource, ref draft, out DecisionEvent? decision);
        if (failure is not null)
        {
            result.Reject($"span {spanId}: {failure}");
            return;
        }

        string? parentSpanId = span.ParentSpanId.Length == 8 ? Hex(span.ParentSpanId) : null;
        result.Decisions.Add(new DecisionSpan(decision!, decision!.TraceId!, spanId, parentSpanId));
    }

    private static string? Build(Span span, string spanId, in ResourceInfo resource, ref SpanDraft d, out DecisionEvent? decision)
    {
        decision = null;
        string? agentId = d.AgentId ?? d.AgentName ?? resource.ServiceName;
        if (agentId is null)
        {
            return $"no agent: set {SpanAttributes.AgentId}, {SpanAttributes.AgentName} or resource {SpanAttributes.ServiceName}";
        }

        if (!TryTime(span.EndTimeUnixNano, out DateTimeOffset timestamp) || span.EndTimeUnixNano == 0)
        {
            return "endTimeUnixNano: missing or out of range";
        }

        string outcome = d.Outcome
            ?? d.FinishReason
            ?? (span.Status?.Code == Status.Types.StatusCode.Error ? "error" : "ok");
        var metrics = d.Metrics;
        if (DurationMs(span) is double latency)
        {
            metrics ??= [];
            metrics.TryAdd("latency_ms", latency);
        }

        var labels = d.Labels;
        if (d.Model is not null)
        {
            labels ??= [];
            labels.TryAdd("model", d.Model);
        }

        var e = new DecisionEvent
        {
            EventId = spanId,
            AgentId = agentId,
            AgentVersion = resource.ServiceVersion,
            Environment = resource.Environment ?? DecisionEvent.DefaultEnvironment,
            Timestamp = timestamp,
            DecisionName = d.Name ?? InvokeAgentDecisionName,
            Outcome = outcome,
            Confidence = d.Confidence,
            InputText = d.InputText ?? d.CapturedInput,
            InputFeatures = (IReadOnlyDictionary<string, string>?)d.Features ?? EmptyStrings,
            OutputText = d.OutputText ?? d.CapturedOutput,
            Sentiment = d.Sentiment,
            Metrics = (IReadOnlyDictionary<string, double>?)metrics ?? EmptyNumbers,
            Labels = (IReadOnlyDictionary<string, string>?)labels ?? EmptyStrings,
            StateVersion = d.StateVersion,
            TraceId = Hex(span.TraceId),
            SpanId = spanId,
            ParentAgentId = d.ParentAgentId,
        };
        string? error = DecisionRules.Check(e);
        if (error is not null)
        {
            return error;
        }

        decision = e;
        return null;
    }

    /// <summary>
    /// A decision span whose parent span is another agent's decision in the same request was handed over by
    /// that agent: its <c>parent_agent_id</c> is that agent unless the span names one itself.
    /// </summary>
    private static void LinkParentAgents(MappedSpans result)
    {
        if (result.Decisions.Count < 2)
        {
            return;
        }

        var agentBySpan = new Dictionary<(string, string), string>(result.Decisions.Count);
        foreach (DecisionSpan d in result.Decisions)
        {
            agentBySpan.TryAdd((d.TraceId, d.SpanId), d.Event.AgentId);
        }

        for (int i = 0; i < result.Decisions.Count; i++)
        {
            DecisionSpan d = result.Decisions[i];
            if (d.Event.ParentAgentId is null
                && d.ParentSpanId is { } parentSpan
                && agentBySpan.TryGetValue((d.TraceId, parentSpan), out string? parentAgent)
                && parentAgent != d.Event.AgentId)
            {
                result.Decisions[i] = d with { Event = d.Event with { ParentAgentId = parentAgent } };
            }
        }
    }

    internal static string Hex(ByteString id) => Convert.ToHexStringLower(id.Span);

    internal static bool TryTime(ulong unixNanos, out DateTimeOffset time)
    {
        ulong ticks = unixNanos / 100;
        if (ticks > (ulong)(DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks))
        {
            time = default;
            return false;
        }

        time = DateTimeOffset.UnixEpoch.AddTicks((long)ticks);
        return true;
    }

    private static double? DurationMs(Span span) =>
        span.StartTimeUnixNano != 0 && span.EndTimeUnixNano >= span.StartTimeUnixNano
            ? (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1e6
            : null;

    private static string? Identifier(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static readonly IReadOnlyDictionary<string, string> EmptyStrings = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, double> EmptyNumbers = new Dictionary<string, double>();

    /// <summary>The resource attributes the mapping reads, read once per resource.</summary>
    private readonly record struct ResourceInfo(string? ServiceName, string? ServiceVersion, string? Environment)
    {
        public static ResourceInfo From(Proto.Resource.Resource? resource)
        {
            if (resource is null)
            {
                return default;
            }

            string? name = null, version = null, environment = null, legacyEnvironment = null;
            foreach (KeyValue attribute in resource.Attributes)
            {
                switch (attribute.Key)
                {
                    case SpanAttributes.ServiceName:
                        name = AttributeValues.AsString(attribute.Value);
                        break;
                    case SpanAttributes.ServiceVersion:
                        version = AttributeValues.AsString(attribute.Value);
                        break;
                    case SpanAttributes.DeploymentEnvironmentName:
                        environment = AttributeValues.AsString(attribute.Value);
                        break;
                    case SpanAttributes.DeploymentEnvironment:
                        legacyEnvironment = AttributeValues.AsString(attribute.Value);
                        break;
                }
            }

            // SDKs fill service.name with "unknown_service[:process]" when the application sets none: that names
            // no agent, so such a span needs gen_ai.agent.* to be mapped.
            if (string.IsNullOrEmpty(name) || name.StartsWith("unknown_service", StringComparison.Ordinal))
            {
                name = null;
            }

            return new ResourceInfo(
                name,
                string.IsNullOrEmpty(version) ? null : version,
                string.IsNullOrEmpty(environment) ? (string.IsNullOrEmpty(legacyEnvironment) ? null : legacyEnvironment) : environment);
        }
    }
}
