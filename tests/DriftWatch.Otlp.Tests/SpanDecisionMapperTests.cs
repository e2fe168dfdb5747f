using DriftWatch.Core.Events;
using DriftWatch.Otlp.Mapping;
using DriftWatch.Otlp.Proto.Trace;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests;

public sealed class SpanDecisionMapperTests
{
    [Fact]
    public void Map_DecisionSpanWithEveryAttribute_MapsEachContractRow()
    {
        var span = Decision("eee19b7ec3c1b174", "billing", startSeconds: 1, durationMs: 581.4, extra:
        [
            ("gen_ai.agent.id", "router-7"),
            ("gen_ai.agent.name", "Support router"),
            ("driftwatch.decision.confidence", 0.87),
            ("driftwatch.input.urgency", "high"),
            ("driftwatch.input.tier", 3),
            ("driftwatch.input.text", "i was charged twice"),
            ("driftwatch.output.text", "thanks"),
            ("driftwatch.output.sentiment", -0.25),
            ("driftwatch.label.prompt_version", "v12"),
            ("gen_ai.request.model", "m-large"),
            ("gen_ai.usage.input_tokens", 80),
            ("gen_ai.usage.output_tokens", 166L),
            ("driftwatch.metric.cost_usd", 0.002),
            ("driftwatch.state_version", "mem-000123"),
        ]);

        MappedSpans mapped = SpanDecisionMapper.Map(Request(span));

        DecisionEvent e = Assert.Single(mapped.Decisions).Event;
        Assert.Equal("eee19b7ec3c1b174", e.EventId);
        Assert.Equal("router-7", e.AgentId);
        Assert.Equal("2026.02.1", e.AgentVersion);
        Assert.Equal("staging", e.Environment);
        Assert.Equal(Start.AddSeconds(1).AddTicks(5_814_000), e.Timestamp);
        Assert.Equal("route", e.DecisionName);
        Assert.Equal("billing", e.Outcome);
        Assert.Equal(0.87, e.Confidence);
        Assert.Equal(new Dictionary<string, string> { ["urgency"] = "high", ["tier"] = "3" }, e.InputFeatures);
        Assert.Equal("i was charged twice", e.InputText);
        Assert.Equal("thanks", e.OutputText);
        Assert.Equal(-0.25, e.Sentiment);
        Assert.Equal(new Dictionary<string, string> { ["prompt_version"] = "v12", ["model"] = "m-large" }, e.Labels);
        Assert.Equal(80, e.Metrics["tokens_in"]);
        Assert.Equal(166, e.Metrics["tokens_out"]);
        Assert.Equal(0.002, e.Metrics["cost_usd"]);
        Assert.Equal(581.4, e.Metrics["latency_ms"], 6);
        Assert.Equal("mem-000123", e.StateVersion);
        Assert.Equal(TraceHex, e.TraceId);
        Assert.Equal("eee19b7ec3c1b174", e.SpanId);
        Assert.Equal(0, mapped.Rejected);
    }

    [Fact]
    public void Map_AgentNameWithoutId_UsesName()
    {
        var span = Decision("00000000000000a1", "billing", extra: [("gen_ai.agent.name", "Support router")]);

        Assert.Equal("Support router", Assert.Single(SpanDecisionMapper.Map(Request(span)).Decisions).Event.AgentId);
    }

    [Fact]
    public void Map_NoAgentAttributesAndUnknownService_RejectsWithReason()
    {
        var request = Request([new("service.name", "unknown_service:dotnet")], Decision("00000000000000a1", "billing"));

        MappedSpans mapped = SpanDecisionMapper.Map(request);

        Assert.Empty(mapped.Decisions);
        Assert.Equal(1, mapped.Rejected);
        Assert.Contains("no agent", mapped.FirstError, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_NoEnvironment_DefaultsToProduction()
    {
        var request = Request([new("service.name", "router")], Decision("00000000000000a1", "billing"));

        Assert.Equal("production", Assert.Single(SpanDecisionMapper.Map(request).Decisions).Event.Environment);
    }

    [Fact]
    public void Map_ConfidenceOutOfRange_RejectsOnlyThatSpan()
    {
        var bad = Decision("00000000000000a1", "billing", extra: [("driftwatch.decision.confidence", 1.7)]);
        var good = Decision("00000000000000a2", "billing");

        MappedSpans mapped = SpanDecisionMapper.Map(Request(bad, good));

        Assert.Equal("00000000000000a2", Assert.Single(mapped.Decisions).SpanId);
        Assert.Equal(1, mapped.Rejected);
        Assert.Equal("span 00000000000000a1: driftwatch.decision.confidence: must be a number in [0, 1], got 1.7", mapped.FirstError);
    }

    [Fact]
    public void Map_SpansThatAreNotDecisions_AreIgnoredNotRejected()
    {
        var http = Span("00000000000000b1", "GET /orders", 0, 10);
        var chat = Span("00000000000000b2", "chat m-large", 0, 10);
        chat.Attributes.Add(Kv("gen_ai.operation.name", "chat"));

        MappedSpans mapped = SpanDecisionMapper.Map(Request(http, chat));

        Assert.Empty(mapped.Decisions);
        Assert.Equal(0, mapped.Rejected);
        Assert.Equal(2, mapped.Ignored);
    }

    [Fact]
    public void Map_InvokeAgentSpanWithoutDecisionAttributes_FallsBackToFinishReason()
    {
        var span = Span("00000000000000c1", "invoke_agent Support router", 0, 200);
        span.Attributes.Add(Kv("gen_ai.operation.name", "invoke_agent"));
        span.Attributes.Add(Kv("gen_ai.agent.name", "Support router"));
        span.Attributes.Add(Kv("gen_ai.response.finish_reasons", new[] { "tool_calls" }));

        DecisionEvent e = Assert.Single(SpanDecisionMapper.Map(Request(span)).Decisions).Event;

        Assert.Equal("invoke_agent", e.DecisionName);
        Assert.Equal("tool_calls", e.Outcome);
    }

    [Fact]
    public void Map_InvokeAgentSpanWithErrorStatusAndNoFinishReason_OutcomeIsError()
    {
        var span = Span("00000000000000c1", "invoke_agent", 0, 200);
        span.Attributes.Add(Kv("gen_ai.operation.name", "invoke_agent"));
        span.Status = new Status { Code = Status.Types.StatusCode.Error };

        Assert.Equal("error", Assert.Single(SpanDecisionMapper.Map(Request(span)).Decisions).Event.Outcome);
    }

    [Fact]
    public void Map_CapturedGenAiContent_BecomesInputAndOutputText()
    {
        var span = Decision("00000000000000d1", "billing", extra:
        [
            ("gen_ai.input.messages", """[{"role":"system","parts":[{"type":"text","content":"be nice"}]},{"role":"user","parts":[{"type":"text","content":"charged twice"}]}]"""),
            ("gen_ai.output.messages", """[{"role":"assistant","parts":[{"type":"text","content":"sorry"},{"type":"tool_call","name":"x"}],"finish_reason":"stop"}]"""),
        ]);

        DecisionEvent e = Assert.Single(SpanDecisionMapper.Map(Request(span)).Decisions).Event;

        Assert.Equal("charged twice", e.InputText);
        Assert.Equal("sorry", e.OutputText);
    }

    [Fact]
    public void Map_ToolSpan_BecomesToolSpanWithStatusAndDuration()
    {
        MappedSpans mapped = SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000a1", "lookup_order", error: true, durationMs: 162.5)));

        ToolSpan tool = Assert.Single(mapped.ToolSpans);
        Assert.Equal(new ToolCall("lookup_order", "error", 162.5), tool.Call);
        Assert.Equal("00000000000000a1", tool.ParentSpanId);
    }

    [Fact]
    public void Map_DecisionChildOfAnotherAgentsDecision_SetsParentAgent()
    {
        var lead = Decision("00000000000000f1", "delegate", extra: [("gen_ai.agent.id", "triage-lead")]);
        var worker = Decision("00000000000000f2", "billing", parentHex: "00000000000000f1", extra: [("gen_ai.agent.id", "billing-worker")]);

        MappedSpans mapped = SpanDecisionMapper.Map(Request(worker, lead));

        Assert.Equal("triage-lead", mapped.Decisions.Single(d => d.Event.AgentId == "billing-worker").Event.ParentAgentId);
        Assert.Null(mapped.Decisions.Single(d => d.Event.AgentId == "triage-lead").Event.ParentAgentId);
    }

    [Fact]
    public void Map_BadSpanId_Rejects()
    {
        var span = Decision("00000000000000a1", "billing");
        span.SpanId = Google.Protobuf.ByteString.CopyFrom(1, 2, 3);

        MappedSpans mapped = SpanDecisionMapper.Map(Request(span));

        Assert.Equal(1, mapped.Rejected);
        Assert.Empty(mapped.Decisions);
    }

    [Fact]
    public void Map_MappedEvent_RoundTripsThroughTheContractParser()
    {
        var span = Decision("eee19b7ec3c1b174", "billing", extra: [("driftwatch.input.urgency", "high"), ("gen_ai.usage.input_tokens", 80)]);
        DecisionEvent e = Assert.Single(SpanDecisionMapper.Map(Request(span)).Decisions).Event;

        ParseResult parsed = AgentEventParser.Parse(AgentEventWriter.ToUtf8Bytes(e));

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal(TraceHex, parsed.Decision!.TraceId);
        Assert.Equal("high", parsed.Decision.InputFeatures["urgency"]);
    }
}
