using DriftWatch.Core.Events;
using DriftWatch.Otlp.Mapping;

namespace DriftWatch.Otlp.Tests;

public sealed class DecisionSpanEncoderTests
{
    [Fact]
    public void ToRequest_ThenMap_GivesBackTheEventButForItsId()
    {
        var e = new DecisionEvent
        {
            EventId = "0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71",
            AgentId = "support-router",
            AgentVersion = "2026.02.1",
            Environment = "staging",
            Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, 780, TimeSpan.Zero).AddTicks(3),
            DecisionName = "route",
            Outcome = "billing",
            Confidence = 0.87,
            InputText = "i was charged twice",
            InputFeatures = new Dictionary<string, string> { ["category"] = "invoice", ["urgency"] = "high" },
            OutputText = "thanks",
            Sentiment = 0.23,
            ToolCalls = [new ToolCall("lookup_order", "ok", 162.7), new ToolCall("refund", "error", 80.1)],
            Metrics = new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = 80, ["tokens_out"] = 166 },
            Labels = new Dictionary<string, string> { ["model"] = "m-large" },
            StateVersion = "mem-000123",
        };

        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.FromSeconds(30), 10);
        MappedSpans mapped = SpanDecisionMapper.Map(DecisionSpanEncoder.ToRequest([e]));
        joiner.Add(mapped, DateTimeOffset.MinValue);
        DecisionEvent back = Assert.Single(joiner.TakeAll()).Event!;

        Assert.Equal(e with { EventId = back.EventId, TraceId = back.TraceId, SpanId = back.SpanId, InputFeatures = back.InputFeatures, Metrics = back.Metrics, Labels = back.Labels, ToolCalls = back.ToolCalls }, back);
        Assert.Equal(e.InputFeatures, back.InputFeatures);
        Assert.Equal(e.Metrics, back.Metrics);
        Assert.Equal(e.Labels, back.Labels);
        Assert.Equal(e.ToolCalls, back.ToolCalls);
        Assert.Equal(back.SpanId, back.EventId);
        Assert.Equal(16, back.EventId.Length);
    }
}
