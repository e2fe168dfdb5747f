using System.Buffers;
using System.Text;
using System.Text.Json;
using DriftWatch.Core.Events;
using static DriftWatch.Core.Tests.Events.SampleEvents;

namespace DriftWatch.Core.Tests.Events;

public sealed class AgentEventWriterTests
{
    private static readonly DecisionEvent Full = new()
    {
        EventId = "0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71",
        AgentId = "support-router",
        AgentVersion = "2026.02.1",
        Environment = "staging",
        Timestamp = new DateTimeOffset(2026, 3, 2, 9, 0, 0, 780, TimeSpan.FromHours(1)),
        DecisionName = "route",
        Outcome = "billing \"priority\" é 😀",
        Confidence = 0.87,
        InputText = "i was charged twice\nand \\ again",
        InputFeatures = new Dictionary<string, string> { ["category"] = "invoice", ["urgency"] = "high" },
        OutputText = "thanks for reaching out ...",
        Sentiment = -0.1 + 0.33,
        ToolCalls = [new ToolCall("lookup_order", "ok", 162.7), new ToolCall("refund", null, null)],
        Metrics = new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = 80, ["cost_usd"] = 1.0 / 3 },
        Labels = new Dictionary<string, string> { ["model"] = "m-large" },
        StateVersion = "mem-000123",
        TraceId = "5b8efff798038103d269b633813fc60c",
        SpanId = "eee19b7ec3c1b174",
        ParentAgentId = "triage-lead",
    };

    [Fact]
    public void ToUtf8Bytes_FullDecision_RoundTripsFieldByField()
    {
        DecisionEvent parsed = ParseDecision(AgentEventWriter.ToUtf8Bytes(Full));

        AssertSame(Full, parsed);
    }

    [Fact]
    public void ToUtf8Bytes_MinimalDecision_RoundTripsAndOmitsAbsentFields()
    {
        var minimal = new DecisionEvent
        {
            EventId = "e1",
            AgentId = "a1",
            Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
            DecisionName = "route",
            Outcome = "billing",
        };

        byte[] bytes = AgentEventWriter.ToUtf8Bytes(minimal);

        AssertSame(minimal, ParseDecision(bytes));
        using JsonDocument doc = JsonDocument.Parse(bytes);
        string[] names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["schema", "event_id", "agent_id", "environment", "timestamp", "decision"], names);
    }

    [Fact]
    public void ToUtf8Bytes_ContractExample_RoundTrips()
    {
        DecisionEvent original = ParseDecision(Utf8(FullDecision));

        AssertSame(original, ParseDecision(AgentEventWriter.ToUtf8Bytes(original)));
    }

    [Theory]
    [InlineData(780_0000L, "2026-03-02T08:00:00.780Z")]
    [InlineData(0L, "2026-03-02T08:00:00.000Z")]
    [InlineData(780_1234L, "2026-03-02T08:00:00.7801234Z")]
    public void ToUtf8Bytes_Timestamp_IsUtcWithMilliseconds(long ticksIntoSecond, string expected)
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(ticksIntoSecond);
        DecisionEvent e = Full with { Timestamp = at };

        byte[] bytes = AgentEventWriter.ToUtf8Bytes(e);

        using JsonDocument doc = JsonDocument.Parse(bytes);
        Assert.Equal(expected, doc.RootElement.GetProperty("timestamp").GetString());
        Assert.Equal(at, ParseDecision(bytes).Timestamp);
    }

    [Fact]
    public void Write_ToStreamAndBufferWriter_GivesSameBytesAsToUtf8Bytes()
    {
        using var stream = new MemoryStream();
        var buffer = new ArrayBufferWriter<byte>();

        AgentEventWriter.Write(stream, Full);
        AgentEventWriter.Write(buffer, Full);

        byte[] expected = AgentEventWriter.ToUtf8Bytes(Full);
        Assert.Equal(expected, stream.ToArray());
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void ToUtf8Bytes_NonAsciiText_IsNotEscaped()
    {
        string json = Encoding.UTF8.GetString(AgentEventWriter.ToUtf8Bytes(Full));

        // The relaxed encoder keeps BMP letters; characters outside the BMP are still written as escapes.
        Assert.Contains("billing \\\"priority\\\" é", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToUtf8Bytes_StateSet_RoundTrips()
    {
        StateEvent original = AgentEventParser.Parse(Utf8(StateSet)).State!;

        byte[] bytes = AgentEventWriter.ToUtf8Bytes(original);
        StateEvent parsed = AgentEventParser.Parse(bytes).State!;

        AssertSame(original, parsed);
        Assert.StartsWith("{\"schema\":\"driftwatch.state/v1\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void ToUtf8Bytes_StateDelete_RoundTripsWithoutValue()
    {
        StateEvent original = AgentEventParser.Parse(Utf8(StateDelete)).State!;

        byte[] bytes = AgentEventWriter.ToUtf8Bytes(original);

        AssertSame(original, AgentEventParser.Parse(bytes).State!);
        using JsonDocument doc = JsonDocument.Parse(bytes);
        Assert.False(doc.RootElement.TryGetProperty("value", out _));
        Assert.Equal("delete", doc.RootElement.GetProperty("op").GetString());
    }

    [Fact]
    public void Write_StateSetWithoutValue_Throws()
    {
        var e = new StateEvent
        {
            EventId = "e",
            AgentId = "a",
            Timestamp = DateTimeOffset.UnixEpoch,
            Key = "k",
            Op = StateOperation.Set,
        };

        Assert.Throws<ArgumentException>(() => AgentEventWriter.ToUtf8Bytes(e));
    }

    private static DecisionEvent ParseDecision(byte[] bytes)
    {
        ParseResult result = AgentEventParser.Parse(bytes);
        Assert.True(result.IsValid, result.Error);
        return result.Decision!;
    }

    private static void AssertSame(DecisionEvent expected, DecisionEvent actual)
    {
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.AgentId, actual.AgentId);
        Assert.Equal(expected.AgentVersion, actual.AgentVersion);
        Assert.Equal(expected.Environment, actual.Environment);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.DecisionName, actual.DecisionName);
        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.Confidence, actual.Confidence);
        Assert.Equal(expected.InputText, actual.InputText);
        Assert.Equal(expected.InputFeatures, actual.InputFeatures);
        Assert.Equal(expected.OutputText, actual.OutputText);
        Assert.Equal(expected.Sentiment, actual.Sentiment);
        Assert.Equal(expected.ToolCalls, actual.ToolCalls);
        Assert.Equal(expected.Metrics, actual.Metrics);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.StateVersion, actual.StateVersion);
        Assert.Equal(expected.TraceId, actual.TraceId);
        Assert.Equal(expected.SpanId, actual.SpanId);
        Assert.Equal(expected.ParentAgentId, actual.ParentAgentId);
    }

    private static void AssertSame(StateEvent expected, StateEvent actual)
    {
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.AgentId, actual.AgentId);
        Assert.Equal(expected.Environment, actual.Environment);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Op, actual.Op);
        Assert.Equal(expected.Value.ValueKind, actual.Value.ValueKind);
        if (expected.Value.ValueKind != JsonValueKind.Undefined)
        {
            Assert.True(JsonElement.DeepEquals(expected.Value, actual.Value));
        }

        Assert.Equal(expected.Segment, actual.Segment);
        Assert.Equal(expected.StateVersion, actual.StateVersion);
    }
}
