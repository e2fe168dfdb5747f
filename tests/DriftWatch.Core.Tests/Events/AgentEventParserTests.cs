using System.Text.Json;
using System.Text.Json.Nodes;
using DriftWatch.Core.Events;
using static DriftWatch.Core.Tests.Events.SampleEvents;

namespace DriftWatch.Core.Tests.Events;

public sealed class AgentEventParserTests
{
    [Fact]
    public void Parse_FullContractExample_ReadsEveryField()
    {
        ParseResult result = AgentEventParser.Parse(Utf8(FullDecision));

        Assert.Null(result.Error);
        Assert.Equal(AgentEventKind.Decision, result.Kind);
        DecisionEvent e = result.Decision!;
        Assert.Equal("0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71", e.EventId);
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("2026.02.1", e.AgentVersion);
        Assert.Equal("production", e.Environment);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 0, 0, 780, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("route", e.DecisionName);
        Assert.Equal("billing", e.Outcome);
        Assert.Equal(0.87, e.Confidence);
        Assert.Equal("i was charged twice", e.InputText);
        Assert.Equal(
            new Dictionary<string, string> { ["category"] = "invoice", ["urgency"] = "high", ["channel"] = "email" },
            e.InputFeatures);
        Assert.Equal("thanks for reaching out ...", e.OutputText);
        Assert.Equal(0.23, e.Sentiment);
        Assert.Equal([new ToolCall("lookup_order", "ok", 162.7)], e.ToolCalls);
        Assert.Equal(new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = 80, ["tokens_out"] = 166 }, e.Metrics);
        Assert.Equal(new Dictionary<string, string> { ["model"] = "m-large", ["prompt_version"] = "v12" }, e.Labels);
        Assert.Equal("mem-000123", e.StateVersion);
        Assert.Equal(new BehaviourKey("support-router", "production", "route"), e.Key);
    }

    [Fact]
    public void Parse_MinimalDecision_UsesDefaults()
    {
        ParseResult result = AgentEventParser.Parse(Utf8(MinimalDecision));

        Assert.True(result.IsValid, result.Error);
        DecisionEvent e = result.Decision!;
        Assert.Equal(DecisionEvent.DefaultEnvironment, e.Environment);
        Assert.Null(e.AgentVersion);
        Assert.Null(e.Confidence);
        Assert.Null(e.Sentiment);
        Assert.Null(e.InputText);
        Assert.Null(e.OutputText);
        Assert.Null(e.StateVersion);
        Assert.Empty(e.InputFeatures);
        Assert.Empty(e.ToolCalls);
        Assert.Empty(e.Metrics);
        Assert.Empty(e.Labels);
    }

    [Fact]
    public void Parse_StateSet_KeepsValueAfterBufferIsReused()
    {
        byte[] bytes = Utf8(StateSet);

        ParseResult result = AgentEventParser.Parse(bytes);
        Array.Clear(bytes);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(AgentEventKind.State, result.Kind);
        StateEvent e = result.State!;
        Assert.Equal("s-1", e.EventId);
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("staging", e.Environment);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 5, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("memory/tone-policy", e.Key);
        Assert.Equal(StateOperation.Set, e.Op);
        Assert.Equal("""{"any":"json","n":[1,2]}""", JsonSerializer.Serialize(e.Value));
        Assert.Equal(new Dictionary<string, string> { ["urgency"] = "high" }, e.Segment);
        Assert.Equal("mem-000124", e.StateVersion);
    }

    [Fact]
    public void Parse_StateDelete_HasNoValueAndKeepsOffsetInstant()
    {
        ParseResult result = AgentEventParser.Parse(Utf8(StateDelete));

        Assert.True(result.IsValid, result.Error);
        StateEvent e = result.State!;
        Assert.Equal(StateOperation.Delete, e.Op);
        Assert.Equal(JsonValueKind.Undefined, e.Value.ValueKind);
        Assert.Equal(DecisionEvent.DefaultEnvironment, e.Environment);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 5, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.FromHours(1), e.Timestamp.Offset);
        Assert.Empty(e.Segment);
    }

    [Fact]
    public void Parse_StateSetWithNullValue_KeepsJsonNull()
    {
        JsonObject root = Node(StateSet);
        root["value"] = null;

        ParseResult result = AgentEventParser.Parse(Utf8(root));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(JsonValueKind.Null, result.State!.Value.ValueKind);
    }

    [Fact]
    public void Parse_UnknownFieldsAtAnyLevel_AreIgnored()
    {
        JsonObject root = Node(FullDecision);
        root["trace"] = JsonNode.Parse("""{ "spans": [ { "id": 1, "tags": { "decision": 5 } } ], "schema": 3 }""");
        root["decision"]!["rationale"] = JsonNode.Parse("""{ "steps": ["a", { "b": null }] }""");
        root["input"]!["embedding"] = JsonNode.Parse("[0.1, 0.2]");
        root["output"]!["extra"] = true;
        root["tool_calls"]![0]!["args"] = JsonNode.Parse("""{ "order": 7 }""");
        root["key"] = 12; // a state-event field, unknown to decisions

        ParseResult result = AgentEventParser.Parse(Utf8(root));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal("billing", result.Decision!.Outcome);
        Assert.Equal("lookup_order", result.Decision.ToolCalls[0].Name);
    }

    [Fact]
    public void Parse_SchemaNotFirst_IsStillRecognised()
    {
        const string json = """{"op":"delete","key":"k","timestamp":"2026-03-02T08:00:00Z","agent_id":"a","event_id":"e","schema":"driftwatch.state/v1"}""";

        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.Equal(AgentEventKind.State, result.Kind);
        Assert.Equal("k", result.State!.Key);
    }

    [Fact]
    public void Parse_OptionalFieldsNull_AreTreatedAsAbsent()
    {
        JsonObject root = Node(MinimalDecision);
        foreach (string field in new[] { "agent_version", "environment", "input", "output", "tool_calls", "metrics", "labels", "state_version" })
        {
            root[field] = null;
        }

        root["decision"]!["confidence"] = null;

        ParseResult result = AgentEventParser.Parse(Utf8(root));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(DecisionEvent.DefaultEnvironment, result.Decision!.Environment);
        Assert.Null(result.Decision.Confidence);
    }

    [Fact]
    public void Parse_EscapedNamesAndValues_AreDecoded()
    {
        const string json = """{"sch\u0065ma":"driftwatch.decision\/v1","event_id":"e\u00e9","agent_id":"a","timestamp":"2026-03-02T08:00:00\u002E5Z","decision":{"name":"n","outcome":"caf\u00e9 \ud83d\ude00"}}""";

        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal("eé", result.Decision!.EventId);
        Assert.Equal("café 😀", result.Decision.Outcome);
        Assert.Equal(500, result.Decision.Timestamp.Millisecond);
    }

    [Theory]
    [InlineData("2026-03-02T08:00:00Z", "2026-03-02T08:00:00.0000000+00:00")]
    [InlineData("2026-03-02t08:00:00.1234567z", "2026-03-02T08:00:00.1234567+00:00")]
    [InlineData("2026-03-02T08:00:00.123456789Z", "2026-03-02T08:00:00.1234567+00:00")]
    [InlineData("2026-03-02T10:30:00+02:30", "2026-03-02T08:00:00.0000000+00:00")]
    [InlineData("2026-03-01T23:00:00-09:00", "2026-03-02T08:00:00.0000000+00:00")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000+00:00")]
    public void Parse_Rfc3339Timestamps_GiveTheInstant(string timestamp, string expectedUtc)
    {
        byte[] json = FullDecisionWith("timestamp", timestamp);

        ParseResult result = AgentEventParser.Parse(json);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), result.Decision!.Timestamp.ToUniversalTime());
    }

    [Theory]
    [InlineData("""{"schema":"driftwatch.decision/v1","schema":"driftwatch.decision/v1","event_id":"e","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"n","outcome":"o"}}""", "schema: duplicate field")]
    [InlineData("""{"schema":"driftwatch.decision/v1","event_id":"e","agent_id":"a","agent_id":"b","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"n","outcome":"o"}}""", "agent_id: duplicate field")]
    [InlineData("""{"schema":"driftwatch.decision/v1","event_id":"e","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"n","outcome":"o","outcome":"p"}}""", "decision.outcome: duplicate field")]
    [InlineData("""{"schema":"driftwatch.decision/v1","event_id":"e","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"n","outcome":"o"},"labels":{"m":"x","m":"y"}}""", "labels.m: duplicate key")]
    [InlineData("""{"schema":"driftwatch.state/v1","event_id":"e","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","key":"k","op":"delete","op":"set"}""", "op: duplicate field")]
    public void Parse_DuplicateKnownField_IsRejected(string json, string expected)
    {
        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Parse_LimitsExactlyReached_AreAccepted()
    {
        JsonObject root = Node(FullDecision);
        var features = new JsonObject();
        for (int i = 0; i < 64; i++)
        {
            features["f" + i] = new string('v', 256);
        }

        root["input"]!["features"] = features;
        root["input"]!["text"] = new string('x', 32_768);
        root["agent_id"] = new string('a', 256);
        root["decision"]!["confidence"] = 1;
        root["output"]!["sentiment"] = -1;

        ParseResult result = AgentEventParser.Parse(Utf8(root));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(64, result.Decision!.InputFeatures.Count);
        Assert.Equal(32_768, result.Decision.InputText!.Length);
    }

    [Fact]
    public void Parse_AstralCharacters_CountAsOneCharacterEach()
    {
        // 256 emoji are 512 UTF-16 code units but 256 characters, which is what the JSON Schema counts.
        string outcome = string.Concat(Enumerable.Repeat("😀", 256));

        ParseResult result = AgentEventParser.Parse(FullDecisionWith("decision.outcome", outcome));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(outcome, result.Decision!.Outcome);
    }
}
