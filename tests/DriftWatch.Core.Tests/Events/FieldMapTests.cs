using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Events;

public sealed class FieldMapTests
{
    [Fact]
    public void TryAdd_KeyPresent_ReturnsFalseAndKeepsTheFirstValue()
    {
        var map = new FieldMap<string>();

        Assert.True(map.TryAdd("urgency", "high"));
        Assert.False(map.TryAdd(new string("urgency".AsSpan()), "low"));

        Assert.Equal("high", Assert.Single(map).Value);
        Assert.Equal("high", map["urgency"]);
    }

    [Fact]
    public void Entries_MoreThanTheFirstArrayHolds_KeepInsertionOrder()
    {
        var map = new FieldMap<double>();
        string[] keys = [.. Enumerable.Range(0, 40).Select(i => "k" + (39 - i).ToString(System.Globalization.CultureInfo.InvariantCulture))];
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.True(map.TryAdd(keys[i], i));
        }

        Assert.Equal(keys, map.Select(e => e.Key));
        Assert.Equal(keys, map.Keys);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (double)i), map.Values);
        Assert.Equal(keys, map.Entries.ToArray().Select(e => e.Key));
        Assert.True(map.TryGetValue(new string("k0".AsSpan()), out double last));
        Assert.Equal(39, last);
    }

    [Fact]
    public void Indexer_MissingKey_ThrowsKeyNotFound()
    {
        var map = new FieldMap<string>();
        map.TryAdd("model", "m-small");

        Assert.Throws<KeyNotFoundException>(() => map["prompt_version"]);
        Assert.False(map.ContainsKey("prompt_version"));
        Assert.False(map.TryGetValue("prompt_version", out _));
    }

    [Fact]
    public void Parse_MapsOfAnEvent_EnumerateInMessageOrder()
    {
        // Trackers are created in the order features are first seen, so the maps must keep the message's order.
        const string line =
            """{"schema":"driftwatch.decision/v1","event_id":"e1","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"},"input":{"features":{"zeta":"1","alpha":"2","mid":"3"}},"metrics":{"tokens_out":3,"latency_ms":1,"a_metric":2},"labels":{"z":"x","a":"y"}}""";

        var decision = AgentEventParser.Parse(Encoding.UTF8.GetBytes(line)).Decision!;

        Assert.Equal(["zeta", "alpha", "mid"], decision.InputFeatures.Keys);
        Assert.Equal(["1", "2", "3"], decision.InputFeatures.Values);
        Assert.Equal(["tokens_out", "latency_ms", "a_metric"], decision.Metrics.Keys);
        Assert.Equal(["z", "a"], decision.Labels.Select(l => l.Key));
        Assert.Equal(1, decision.Metrics["latency_ms"]);
    }
}
