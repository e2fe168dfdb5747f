using System.Text;
using System.Text.Json.Nodes;
using DriftWatch.Core.Events;
using static DriftWatch.Core.Tests.Events.SampleEvents;

namespace DriftWatch.Core.Tests.Events;

public sealed class AgentEventParserErrorTests
{
    public static TheoryData<string> DecisionRequiredFields => new(DecisionEventReaderFields());

    public static TheoryData<string> StateRequiredFields => new(StateEventReader.RequiredFields);

    [Theory]
    [MemberData(nameof(DecisionRequiredFields))]
    public void Parse_DecisionWithoutRequiredField_NamesTheField(string path)
    {
        ParseResult result = AgentEventParser.Parse(Without(FullDecision, path));

        Assert.False(result.IsValid);
        Assert.Equal($"{path}: missing required field", result.Error);
    }

    [Fact]
    public void Parse_DecisionWithoutDecisionObject_NamesTheObject()
    {
        ParseResult result = AgentEventParser.Parse(Without(FullDecision, "decision"));

        Assert.Equal("decision: missing required field", result.Error);
    }

    [Theory]
    [MemberData(nameof(StateRequiredFields))]
    public void Parse_StateWithoutRequiredField_NamesTheField(string path)
    {
        ParseResult result = AgentEventParser.Parse(Without(StateSet, path));

        Assert.False(result.IsValid);
        Assert.Equal($"{path}: missing required field", result.Error);
    }

    [Fact]
    public void Parse_StateSetWithoutValue_NamesValue()
    {
        ParseResult result = AgentEventParser.Parse(Without(StateSet, "value"));

        Assert.False(result.IsValid);
        Assert.StartsWith("value: missing required field", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event_id", "42", "event_id: must be a string, got 42")]
    [InlineData("event_id", "null", "event_id: must be a string, got null")]
    [InlineData("agent_id", "{}", "agent_id: must be a string, got an object")]
    [InlineData("agent_version", "2026", "agent_version: must be a string, got 2026")]
    [InlineData("environment", "true", "environment: must be a string, got true")]
    [InlineData("timestamp", "1772438400", "timestamp: must be an RFC 3339 date-time string, got 1772438400")]
    [InlineData("decision", "\"route\"", "decision: must be an object, got string \"route\"")]
    [InlineData("decision.name", "[]", "decision.name: must be a string, got an array")]
    [InlineData("decision.outcome", "1", "decision.outcome: must be a string, got 1")]
    [InlineData("decision.confidence", "\"high\"", "decision.confidence: must be a number in [0, 1], got string \"high\"")]
    [InlineData("input", "\"text\"", "input: must be an object, got string \"text\"")]
    [InlineData("input.text", "5", "input.text: must be a string, got 5")]
    [InlineData("input.features", "[\"a\"]", "input.features: must be an object with string values, got an array")]
    [InlineData("input.features.urgency", "3", "input.features.urgency: must be a string, got 3")]
    [InlineData("output", "0.2", "output: must be an object, got 0.2")]
    [InlineData("output.text", "false", "output.text: must be a string, got false")]
    [InlineData("output.sentiment", "\"positive\"", "output.sentiment: must be a number in [-1, 1], got string \"positive\"")]
    [InlineData("tool_calls", "{}", "tool_calls: must be an array of objects, got an object")]
    [InlineData("tool_calls.0", "\"lookup\"", "tool_calls[0]: must be an object, got string \"lookup\"")]
    [InlineData("tool_calls.0.name", "7", "tool_calls[0].name: must be a string, got 7")]
    [InlineData("tool_calls.0.status", "200", "tool_calls[0].status: must be a string, got 200")]
    [InlineData("tool_calls.0.latency_ms", "\"fast\"", "tool_calls[0].latency_ms: must be a finite number >= 0, got string \"fast\"")]
    [InlineData("metrics", "[1]", "metrics: must be an object with number values, got an array")]
    [InlineData("metrics.tokens_in", "\"80\"", "metrics.tokens_in: must be a finite number >= 0, got string \"80\"")]
    [InlineData("labels", "\"m-large\"", "labels: must be an object with string values, got string \"m-large\"")]
    [InlineData("labels.model", "{}", "labels.model: must be a string, got an object")]
    [InlineData("state_version", "123", "state_version: must be a string, got 123")]
    [InlineData("trace_id", "123", "trace_id: must be a string, got 123")]
    [InlineData("span_id", "[]", "span_id: must be a string, got an array")]
    [InlineData("parent_agent_id", "false", "parent_agent_id: must be a string, got false")]
    public void Parse_DecisionFieldOfWrongType_NamesFieldAndValue(string path, string valueJson, string expected)
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith(path, JsonNode.Parse(valueJson)));

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Theory]
    [InlineData("key", "1", "key: must be a string, got 1")]
    [InlineData("op", "\"upsert\"", "op: must be \"set\" or \"delete\", got string \"upsert\"")]
    [InlineData("op", "1", "op: must be \"set\" or \"delete\", got 1")]
    [InlineData("segment", "[]", "segment: must be an object with string values, got an array")]
    [InlineData("segment.urgency", "2", "segment.urgency: must be a string, got 2")]
    [InlineData("timestamp", "\"yesterday\"", "timestamp: must be an RFC 3339 date-time with an offset or Z, e.g. 2026-03-02T08:00:00.780Z, got string \"yesterday\"")]
    public void Parse_StateFieldOfWrongType_NamesFieldAndValue(string path, string valueJson, string expected)
    {
        JsonObject root = Node(StateSet);
        Set(root, path, JsonNode.Parse(valueJson));

        ParseResult result = AgentEventParser.Parse(Utf8(root));

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Theory]
    [InlineData("decision.confidence", "1.7", "decision.confidence: must be a number in [0, 1], got 1.7")]
    [InlineData("decision.confidence", "-0.01", "decision.confidence: must be a number in [0, 1], got -0.01")]
    [InlineData("output.sentiment", "-1.5", "output.sentiment: must be a number in [-1, 1], got -1.5")]
    [InlineData("output.sentiment", "2", "output.sentiment: must be a number in [-1, 1], got 2")]
    [InlineData("tool_calls.0.latency_ms", "-3", "tool_calls[0].latency_ms: must be a finite number >= 0, got -3")]
    [InlineData("metrics.latency_ms", "-0.5", "metrics.latency_ms: must be a finite number >= 0, got -0.5")]
    [InlineData("metrics.latency_ms", "1e400", "metrics.latency_ms: must be a finite number >= 0, got 1e400")]
    [InlineData("metrics.cost_usd", "-1e999", "metrics.cost_usd: must be a finite number, got -1e999")]
    public void Parse_NumberOutOfRange_NamesFieldRuleAndValue(string path, string valueJson, string expected)
    {
        // JsonNode cannot hold 1e400, so the number is spliced in as text.
        string json = Encoding.UTF8.GetString(FullDecisionWith(path, "__N__")).Replace("\"__N__\"", valueJson, StringComparison.Ordinal);

        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Parse_NegativeCustomMetric_IsAccepted()
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith("metrics.score_delta", -2.5));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(-2.5, result.Decision!.Metrics["score_delta"]);
    }

    [Fact]
    public void Parse_MessageOverLimit_ReportsSize()
    {
        JsonObject root = Node(FullDecision);
        root["padding"] = new string(' ', AgentEventParser.MaxMessageBytes);
        byte[] bytes = Utf8(root);

        ParseResult result = AgentEventParser.Parse(bytes);

        Assert.False(result.IsValid);
        Assert.Equal($"message: {bytes.Length} bytes exceeds the 1048576-byte limit", result.Error);
    }

    [Fact]
    public void Parse_MessageOneByteOverLimit_IsRejectedBeforeReading()
    {
        byte[] bytes = new byte[AgentEventParser.MaxMessageBytes + 1];

        ParseResult result = AgentEventParser.Parse(bytes);

        Assert.Equal("message: 1048577 bytes exceeds the 1048576-byte limit", result.Error);
    }

    [Theory]
    [InlineData("input.text", 32_769, "input.text: must be at most 32768 characters, got 32769")]
    [InlineData("output.text", 40_000, "output.text: must be at most 32768 characters, got 40000")]
    [InlineData("agent_id", 257, "agent_id: must be at most 256 characters, got 257")]
    [InlineData("decision.outcome", 300, "decision.outcome: must be at most 256 characters, got 300")]
    [InlineData("labels.model", 257, "labels.model: must be at most 256 characters, got 257")]
    [InlineData("tool_calls.0.name", 1000, "tool_calls[0].name: must be at most 256 characters, got 1000")]
    public void Parse_OversizedString_NamesFieldAndLength(string path, int length, string expected)
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith(path, new string('x', length)));

        Assert.Equal(expected, result.Error);
    }

    [Theory]
    [InlineData("event_id")]
    [InlineData("agent_id")]
    [InlineData("environment")]
    [InlineData("decision.name")]
    [InlineData("decision.outcome")]
    [InlineData("tool_calls.0.name")]
    public void Parse_EmptyIdentifier_NamesField(string path)
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith(path, string.Empty));

        string expectedPath = path.Replace("tool_calls.0", "tool_calls[0]", StringComparison.Ordinal);
        Assert.Equal($"{expectedPath}: must not be empty", result.Error);
    }

    [Fact]
    public void Parse_TooManyFeatures_NamesTheMap()
    {
        var features = new JsonObject();
        for (int i = 0; i < 65; i++)
        {
            features["f" + i] = "v";
        }

        ParseResult result = AgentEventParser.Parse(FullDecisionWith("input.features", features));

        Assert.Equal("input.features: must have at most 64 entries", result.Error);
    }

    [Fact]
    public void Parse_TooManyMetrics_NamesTheMap()
    {
        var metrics = new JsonObject();
        for (int i = 0; i < 65; i++)
        {
            metrics["m" + i] = i;
        }

        ParseResult result = AgentEventParser.Parse(FullDecisionWith("metrics", metrics));

        Assert.Equal("metrics: must have at most 64 entries", result.Error);
    }

    [Fact]
    public void Parse_TooManyToolCalls_NamesTheArray()
    {
        var calls = new JsonArray();
        for (int i = 0; i < 65; i++)
        {
            calls.Add(new JsonObject { ["name"] = "t" + i });
        }

        ParseResult result = AgentEventParser.Parse(FullDecisionWith("tool_calls", calls));

        Assert.Equal("tool_calls: must have at most 64 entries", result.Error);
    }

    [Fact]
    public void Parse_ToolCallWithoutName_NamesTheEntry()
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith("tool_calls.0", new JsonObject { ["status"] = "ok" }));

        Assert.Equal("tool_calls[0].name: missing required field", result.Error);
    }

    [Fact]
    public void Parse_EmptyFeatureKey_NamesTheMap()
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith("labels", new JsonObject { [""] = "x" }));

        Assert.Equal("labels: keys must be 1 to 256 characters, got \"\"", result.Error);
    }

    [Theory]
    [InlineData("""{"schema":"driftwatch.decision/v1","event_id":"e",}""", 50)]
    [InlineData("""{"schema":"driftwatch.decision/v1" "event_id":"e"}""", 35)]
    [InlineData("{\n  \"schema\": \"driftwatch.decision/v1\",\n  \"event_id\": tru\n}", 57)]
    [InlineData("""{"schema":"driftwatch.decision/v1","event_id":"e""", 48)]
    // The offset is where the reader found the problem: the stray '}', the missing comma, the byte after
    // "tru" (on the third line), the end of a truncated message.
    public void Parse_InvalidJson_ReportsByteOffset(string json, int offset)
    {
        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.False(result.IsValid);
        Assert.StartsWith($"json: invalid JSON at byte {offset} (", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_NamesOffsetAndReaderReason()
    {
        ParseResult result = AgentEventParser.Parse(Utf8("""{"agent_id":"a1","x":}"""));

        Assert.Equal("json: invalid JSON at byte 21 ('}' is an invalid start of a value)", result.Error);
    }

    [Fact]
    public void Parse_UnknownFieldNestedTooDeeply_IsInvalidJson()
    {
        string deep = new string('[', 100) + new string(']', 100);
        string json = MinimalDecision.Trim().TrimEnd('}') + ",\"trace\":" + deep + "}";

        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.StartsWith("json: invalid JSON at byte ", result.Error, StringComparison.Ordinal);
        Assert.Contains("depth", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TrailingDataAfterObject_IsInvalidJson()
    {
        ParseResult result = AgentEventParser.Parse(Utf8(MinimalDecision + " {}"));

        Assert.StartsWith("json: invalid JSON at byte", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8InString_IsRejected()
    {
        byte[] bytes = Utf8(MinimalDecision.Replace("\"a1\"", "\"a\u00e91\"", StringComparison.Ordinal));
        int at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at + 1] = 0x28; // a lead byte followed by a non-continuation byte

        ParseResult result = AgentEventParser.Parse(bytes);

        Assert.False(result.IsValid);
        Assert.StartsWith("json: ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]", "message: must be a JSON object, got an array")]
    [InlineData("\"driftwatch.decision/v1\"", "message: must be a JSON object, got string \"driftwatch.decision/v1\"")]
    [InlineData("42", "message: must be a JSON object, got 42")]
    [InlineData("null", "message: must be a JSON object, got null")]
    public void Parse_NotAnObject_SaysSo(string json, string expected)
    {
        Assert.Equal(expected, AgentEventParser.Parse(Utf8(json)).Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_EmptyMessage_IsRejected(string json)
    {
        ParseResult result = AgentEventParser.Parse(Utf8(json));

        Assert.False(result.IsValid);
        Assert.NotNull(result.Error);
    }

    [Theory]
    [InlineData("\"driftwatch.decision/v2\"", "schema: unknown schema string \"driftwatch.decision/v2\"; expected \"driftwatch.decision/v1\" or \"driftwatch.state/v1\"")]
    [InlineData("1", "schema: must be \"driftwatch.decision/v1\" or \"driftwatch.state/v1\", got 1")]
    public void Parse_UnknownSchema_NamesSchema(string valueJson, string expected)
    {
        Assert.Equal(expected, AgentEventParser.Parse(FullDecisionWith("schema", JsonNode.Parse(valueJson))).Error);
    }

    [Fact]
    public void Parse_NoSchema_NamesSchema()
    {
        Assert.Equal("schema: missing required field", AgentEventParser.Parse(Without(FullDecision, "schema")).Error);
    }

    [Theory]
    [InlineData("2026-03-02T08:00:00")]
    [InlineData("2026-03-02 08:00:00Z")]
    [InlineData("2026-03-02")]
    [InlineData("2026-02-30T08:00:00Z")]
    [InlineData("2026-13-02T08:00:00Z")]
    [InlineData("2026-03-02T24:00:00Z")]
    [InlineData("2026-03-02T08:00:00.Z")]
    [InlineData("2026-03-02T08:00:00+0100")]
    [InlineData("2026-03-02T08:00:00+15:00")]
    [InlineData("2026-03-02T08:00:60Z")]
    [InlineData("03/02/2026 08:00:00")]
    [InlineData("2026-03-02T08:00:00ZZ")]
    [InlineData("")]
    public void Parse_BadTimestamp_NamesTimestamp(string timestamp)
    {
        ParseResult result = AgentEventParser.Parse(FullDecisionWith("timestamp", timestamp));

        Assert.False(result.IsValid);
        Assert.StartsWith("timestamp: ", result.Error, StringComparison.Ordinal);
        Assert.EndsWith($"got string \"{timestamp}\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CorruptedMessages_NeverThrow()
    {
        // Deterministic corruption of valid messages: truncation, byte flips and inserted structure.
        byte[][] seeds = [Utf8(FullDecision), Utf8(MinimalDecision), Utf8(StateSet), Utf8(StateDelete)];
        var random = new Random(20260302);
        byte[] noise = Utf8("{}[]\",:\\u0 -1e9ntf\u00e9");
        int valid = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = (byte[])seeds[i % seeds.Length].Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = random.Next(3) == 0 ? (byte)random.Next(256) : noise[random.Next(noise.Length)];
            }

            int length = random.Next(8) == 0 ? random.Next(bytes.Length) : bytes.Length;

            ParseResult result = AgentEventParser.Parse(bytes.AsSpan(0, length));

            Assert.True(result.IsValid ^ (result.Error is not null));
            valid += result.IsValid ? 1 : 0;
        }

        Assert.InRange(valid, 1, 19_999);
    }

    private static IEnumerable<string> DecisionEventReaderFields() => DecisionEventReader.RequiredFields;
}
