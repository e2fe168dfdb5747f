using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Events;

public sealed class FieldNameTests
{
    private const string Line =
        """{"schema":"driftwatch.decision/v1","event_id":"e1","agent_id":"router-a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"},"metrics":{"latency_ms":12},"labels":{"model":"m"}}""";

    [Fact]
    public void Parse_EscapedTopLevelNames_ReadAsThePlainNames()
    {
        // \u005f is '_': an escaped name must reach the same field as its plain spelling.
        string escaped = Line
            .Replace("\"agent_id\"", "\"agent\\u005fid\"", StringComparison.Ordinal)
            .Replace("\"metrics\"", "\"metr\\u0069cs\"", StringComparison.Ordinal);

        var decision = AgentEventParser.Parse(Encoding.UTF8.GetBytes(escaped)).Decision;

        Assert.NotNull(decision);
        Assert.Equal("router-a", decision.AgentId);
        Assert.Equal(12, decision.Metrics["latency_ms"]);
    }

    [Fact]
    public void Parse_UnknownNameOfAKnownNamesLength_IsSkipped()
    {
        // "agent_ix" has agent_id's length: it must not be read as agent_id.
        string renamed = Line.Replace("\"agent_id\"", "\"agent_ix\"", StringComparison.Ordinal);

        var result = AgentEventParser.Parse(Encoding.UTF8.GetBytes(renamed));

        Assert.False(result.IsValid);
        Assert.Equal("agent_id: missing required field", result.Error);
    }

    [Fact]
    public void Parse_KnownNameGivenTwiceOnceEscaped_IsADuplicate()
    {
        string twice = Line.Replace("\"labels\"", "\"trace_id\":\"t1\",\"trace\\u005fid\":\"t2\",\"labels\"", StringComparison.Ordinal);

        var result = AgentEventParser.Parse(Encoding.UTF8.GetBytes(twice));

        Assert.Equal("trace_id: duplicate field", result.Error);
    }
}
