using System.Text;
using DriftWatch.Client.Wire;
using DriftWatch.Core.Events;

namespace DriftWatch.Client.Tests.Publishing;

/// <summary>The client's own serializer against DriftWatch.Core's parser: the wire format is the contract's.</summary>
public sealed class DecisionSerializerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, 780, TimeSpan.Zero);

    [Fact]
    public void Serialize_EveryField_CoreParserReadsTheSameEvent()
    {
        var decision = new AgentDecision
        {
            AgentId = "support-router",
            DecisionName = "route",
            Outcome = "billing",
            EventId = "0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71",
            Timestamp = new DateTimeOffset(2026, 3, 2, 9, 0, 0, 780, TimeSpan.FromHours(1)),
            AgentVersion = "2026.02.1",
            Environment = "staging",
            Confidence = 0.87,
            InputText = "i was charged twice — ünïcode",
            InputFeatures = new Dictionary<string, string> { ["category"] = "invoice", ["urgency"] = "high" },
            OutputText = "thanks for reaching out",
            Sentiment = -0.25,
            ToolCalls = [new AgentToolCall("lookup_order", "ok", 162.7), new AgentToolCall("issue_refund", "error"), new AgentToolCall("notify")],
            Metrics = new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = 80 },
            Labels = new Dictionary<string, string> { ["model"] = "m-large", ["prompt_version"] = "v12" },
            StateVersion = "mem-000123",
            TraceId = "0af7651916cd43dd8448eb211c80319c",
            SpanId = "b7ad6b7169203331",
            ParentAgentId = "triage",
        };

        DecisionEvent e = Parse(DecisionSerializer.Serialize(decision, Now));

        Assert.Equal(decision.EventId, e.EventId);
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("2026.02.1", e.AgentVersion);
        Assert.Equal("staging", e.Environment);
        Assert.Equal(decision.Timestamp, e.Timestamp);
        Assert.Equal("route", e.DecisionName);
        Assert.Equal("billing", e.Outcome);
        Assert.Equal(0.87, e.Confidence);
        Assert.Equal(decision.InputText, e.InputText);
        Assert.Equal(decision.InputFeatures, e.InputFeatures);
        Assert.Equal(decision.OutputText, e.OutputText);
        Assert.Equal(-0.25, e.Sentiment);
        Assert.Equal(
            [new ToolCall("lookup_order", "ok", 162.7), new ToolCall("issue_refund", "error", null), new ToolCall("notify", null, null)],
            e.ToolCalls);
        Assert.Equal(decision.Metrics, e.Metrics);
        Assert.Equal(decision.Labels, e.Labels);
        Assert.Equal("mem-000123", e.StateVersion);
        Assert.Equal(decision.TraceId, e.TraceId);
        Assert.Equal(decision.SpanId, e.SpanId);
        Assert.Equal("triage", e.ParentAgentId);
    }

    [Fact]
    public void Serialize_RequiredFieldsOnly_DefaultsFilledAndOptionalFieldsLeftOut()
    {
        byte[] json = DecisionSerializer.Serialize(new AgentDecision { AgentId = "a", DecisionName = "route", Outcome = "faq" }, Now);

        DecisionEvent e = Parse(json);
        Assert.True(Guid.TryParse(e.EventId, out _), e.EventId);
        Assert.Equal(Now, e.Timestamp);
        Assert.Equal(DecisionEvent.DefaultEnvironment, e.Environment);
        string text = Encoding.UTF8.GetString(json);
        Assert.StartsWith("{\"schema\":\"driftwatch.decision/v1\",", text, StringComparison.Ordinal);
        Assert.Contains("\"timestamp\":\"2026-03-02T08:00:00.780Z\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("input", text, StringComparison.Ordinal);
        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_TextOverTheLimit_CutToTheLimitAndAccepted()
    {
        // A surrogate pair straddles the cut: it must be kept whole or left out, never halved.
        string text = new string('a', DecisionSerializer.MaxTextLength - 1) + "😀" + "tail";

        DecisionEvent e = Parse(DecisionSerializer.Serialize(new AgentDecision { AgentId = "a", DecisionName = "d", Outcome = "o", OutputText = text }, Now));

        Assert.Equal(new string('a', DecisionSerializer.MaxTextLength - 1) + "😀", e.OutputText);
    }

    [Theory]
    [InlineData("", "route", "faq")]
    [InlineData("a", "", "faq")]
    [InlineData("a", "route", "")]
    public void Serialize_RequiredFieldEmpty_Throws(string agent, string name, string outcome) =>
        Assert.Throws<ArgumentException>(() => DecisionSerializer.Serialize(new AgentDecision { AgentId = agent, DecisionName = name, Outcome = outcome }, Now));

    [Fact]
    public void Serialize_NumbersOutOfRange_ThrowNamingTheField()
    {
        var valid = new AgentDecision { AgentId = "a", DecisionName = "d", Outcome = "o" };

        Assert.Equal("Confidence", Assert.Throws<ArgumentOutOfRangeException>(() => DecisionSerializer.Serialize(valid with { Confidence = 1.5 }, Now)).ParamName);
        Assert.Equal("Sentiment", Assert.Throws<ArgumentOutOfRangeException>(() => DecisionSerializer.Serialize(valid with { Sentiment = double.NaN }, Now)).ParamName);
        Assert.Equal("Metrics", Assert.Throws<ArgumentOutOfRangeException>(() => DecisionSerializer.Serialize(valid with { Metrics = new Dictionary<string, double> { ["x"] = double.PositiveInfinity } }, Now)).ParamName);
    }

    private static DecisionEvent Parse(byte[] json)
    {
        ParseResult parsed = AgentEventParser.Parse(json);
        Assert.True(parsed.IsValid, parsed.Error);
        return parsed.Decision!;
    }
}
