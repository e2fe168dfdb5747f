using DriftWatch.Api.Rollback;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Cli.Tests.Hosting;

/// <summary>The rollback catalog of a service detecting in shards reads each agent from the shard that owns it.</summary>
public sealed class ShardedBaselineCatalogTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    // An agent the stable hash puts on the second of two shards, so reading the first shard would miss it.
    private static readonly string Agent = new[] { "router", "billing", "triage", "support", "returns" }.First(static a => AgentShards.Of(a, 2) == 1);

    [Fact]
    public async Task FindLastGood_AgentOnTheSecondShard_ReadFromThatShardsHistory()
    {
        var shards = new List<DriftMonitor> { new(), new() };
        for (int i = 0; i < 50; i++)
        {
            shards[1].Observe(Decision(i));
        }

        var catalog = new MonitorBaselineCatalog(shards);

        var baseline = await catalog.FindLastGoodAsync(Agent, "production", Start.AddHours(1), CancellationToken.None);

        Assert.Equal("mem-7", baseline?.StateVersion);
    }

    [Fact]
    public async Task FindLastGood_AgentOfAShardEvicted_ReadFromItsCheckpoint()
    {
        var shards = new List<DriftMonitor> { new(), new() };
        for (int i = 0; i < 50; i++)
        {
            shards[1].Observe(Decision(i));
        }

        byte[] unit = shards[1].CheckpointAgentUnit(Agent, null)!;
        shards[1].EvictAgentUnit(Agent);
        var catalog = new MonitorBaselineCatalog(shards, agent => agent == Agent ? unit : null);

        var baseline = await catalog.FindLastGoodAsync(Agent, "production", Start.AddHours(1), CancellationToken.None);

        Assert.Null(shards[1].HistoryOf(Agent, "production"));
        Assert.Equal("mem-7", baseline?.StateVersion);
    }

    private static DecisionEvent Decision(int i) => new()
    {
        EventId = $"e-{i}",
        AgentId = Agent,
        Timestamp = Start.AddSeconds(i),
        DecisionName = "route",
        Outcome = i % 3 == 0 ? "billing" : "general",
        AgentVersion = "2.1",
        StateVersion = "mem-7",
    };
}
