using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Events;

public sealed class Utf8StringPoolTests
{
    private const string Line =
        """{"schema":"driftwatch.decision/v1","event_id":"EID","agent_id":"router-a","environment":"staging","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"},"input":{"features":{"urgency":"high"}}}""";

    [Fact]
    public void Parse_TwoEventsOfOneAgent_ShareTheRepeatedStrings()
    {
        var first = AgentEventParser.Parse(Encoding.UTF8.GetBytes(Line.Replace("EID", "e1", StringComparison.Ordinal))).Decision!;
        var second = AgentEventParser.Parse(Encoding.UTF8.GetBytes(Line.Replace("EID", "e2", StringComparison.Ordinal))).Decision!;

        Assert.Same(first.AgentId, second.AgentId);
        Assert.Same(first.Environment, second.Environment);
        Assert.Same(first.DecisionName, second.DecisionName);
        Assert.Same(first.Outcome, second.Outcome);
        Assert.Same(first.InputFeatures.Keys.Single(), second.InputFeatures.Keys.Single());
        Assert.Same(first.InputFeatures["urgency"], second.InputFeatures["urgency"]);
        Assert.Equal("router-a", second.AgentId);
    }

    [Fact]
    public void Get_DifferentValuesInOneSlot_ReturnsEachValue()
    {
        // Many distinct values evict each other; every call must still give back its own text.
        for (int i = 0; i < 20_000; i++)
        {
            string text = "agent-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(text, Utf8StringPool.Get(Encoding.UTF8.GetBytes(text)));
        }
    }

    [Fact]
    public void Parse_InvalidUtf8InAgentId_IsRejected()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Line.Replace("router-a", "router\u00e9", StringComparison.Ordinal));
        int at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at + 1] = 0x28; // a lead byte without its continuation

        var result = AgentEventParser.Parse(bytes);

        Assert.False(result.IsValid);
    }
}
