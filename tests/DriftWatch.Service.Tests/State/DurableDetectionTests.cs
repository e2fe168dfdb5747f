using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.State;
using DriftWatch.Service.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Service.Tests.State;

public sealed class DurableDetectionTests
{
    private const string Topic = "agent-decisions";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_UncheckpointedEvents_HoldTheCommitAtTheFirstOfThemUntilACheckpointMarker()
    {
        var (durable, _, _) = Create(new InMemoryStore());

        var commits = Enumerable.Range(0, 10).Select(i => Observe(durable, "a", partition: 0, offset: i).Commit).ToList();
        var (records, markerCommit) = durable.Control(ConsumedMessage.Marker(Topic, 0, MessageControl.Checkpoint));
        long after = Observe(durable, "a", partition: 0, offset: 10).Commit;

        Assert.All(commits, c => Assert.Equal(0, c));
        Assert.Single(records);
        Assert.Equal(10, markerCommit);
        Assert.Equal(10, after);
    }

    [Fact]
    public void Observe_CleanAgentOnOnePartition_DoesNotHoldAnotherPartitionBack()
    {
        var (durable, _, _) = Create(new InMemoryStore());
        Assert.Equal(0, Observe(durable, "a", partition: 0, offset: 0).Commit);

        Assert.Equal(7, Observe(durable, "b", partition: 1, offset: 7).Commit);
        Assert.Equal(8, durable.Control(ConsumedMessage.Marker(Topic, 1, MessageControl.Checkpoint)).Commit);
        Assert.Equal(0, Observe(durable, "a", partition: 0, offset: 1).Commit);
    }

    [Fact]
    public void Observe_AfterRestoreFromCheckpoint_SkipsTheEventsTheCheckpointHoldsAndAppliesTheRest()
    {
        var store = new InMemoryStore();
        var (first, _, _) = Create(store);
        for (int i = 0; i < 10; i++)
        {
            Observe(first, "a", partition: 0, offset: i);
        }

        var (records, _) = first.Control(ConsumedMessage.Marker(Topic, 0, MessageControl.Checkpoint));
        foreach (var record in records)
        {
            store.Values[record.AgentId] = record.Value;
        }

        var (second, detector, _) = Create(store);
        var applied = Enumerable.Range(5, 8).Where(i => Observe(second, "a", partition: 0, offset: i).Applied).ToList();

        Assert.Equal([10, 11, 12], applied);
        Assert.Equal(5, second.Skipped);
        Assert.Equal(1, second.Restored);
        Assert.Equal(13, detector.HistoryOf("a", "production")!.Decisions);
    }

    [Fact]
    public void Control_MoreAgentsThanTheCap_EvictsTheLeastRecentlyActiveAndRestoresThemOnTheirNextEvent()
    {
        var store = new InMemoryStore();
        var time = new FakeTimeProvider(Start);
        var (durable, detector, _) = Create(store, new StateOptions { MaxAgentsInMemory = 2 }, time);
        for (int i = 0; i < 5; i++)
        {
            Observe(durable, $"agent-{i}", partition: 0, offset: i);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var (records, _) = durable.Control(ConsumedMessage.Marker(Topic, 0, MessageControl.Checkpoint));

        Assert.Equal(5, records.Count);
        Assert.True(durable.AgentsInMemory <= 2, $"{durable.AgentsInMemory} agents still in memory");
        Assert.True(durable.Evicted >= 3);
        Assert.Contains("agent-0", store.Staged);
        Assert.False(detector.Contains(new BehaviourKey("agent-0", "production", "route")));

        Observe(durable, "agent-0", partition: 0, offset: 5);
        Assert.Equal(1, durable.Restored);
        Assert.Equal(2, detector.HistoryOf("agent-0", "production")!.Decisions);
    }

    [Fact]
    public void Control_IdleAgents_AreEvictedAfterEvictAfter()
    {
        var time = new FakeTimeProvider(Start);
        var (durable, _, _) = Create(new InMemoryStore(), new StateOptions { EvictAfter = TimeSpan.FromMinutes(10) }, time);
        Observe(durable, "idle", partition: 0, offset: 0);
        time.Advance(TimeSpan.FromMinutes(9));
        Observe(durable, "busy", partition: 0, offset: 1);
        time.Advance(TimeSpan.FromMinutes(2));

        durable.Control(ConsumedMessage.Marker(Topic, 0, MessageControl.Checkpoint));

        Assert.Equal(1, durable.AgentsInMemory);
        Assert.Equal(1, durable.Evicted);
    }

    [Fact]
    public void Control_ReleaseAndDrop_LetGoOfThePartitionsAgentsWithAndWithoutCheckpoints()
    {
        var (durable, detector, _) = Create(new InMemoryStore());
        Observe(durable, "a", partition: 0, offset: 0);
        Observe(durable, "b", partition: 1, offset: 0);

        var (released, releaseCommit) = durable.Control(ConsumedMessage.Marker(Topic, 0, MessageControl.Release));
        var (dropped, dropCommit) = durable.Control(ConsumedMessage.Marker(Topic, 1, MessageControl.Drop));

        Assert.Single(released);
        Assert.Equal(1, releaseCommit);
        Assert.Empty(dropped);
        Assert.Equal(-1, dropCommit);
        Assert.Equal(0, durable.AgentsInMemory);
        Assert.Equal(0, detector.BehaviourCount);
    }

    [Fact]
    public void Observe_CorruptCheckpoint_CountsAFailureAndTheAgentStartsAfresh()
    {
        var store = new InMemoryStore();
        store.Values["a"] = Encoding.UTF8.GetBytes("not a checkpoint");
        var (durable, detector, _) = Create(store);

        var (_, applied) = Observe(durable, "a", partition: 0, offset: 3);

        Assert.True(applied);
        Assert.Equal(1, durable.RestoreFailures);
        Assert.Equal(1, detector.HistoryOf("a", "production")!.Decisions);
    }

    private static (DurableDetection Durable, DriftMonitor Detector, InMemoryStore Store) Create(InMemoryStore store, StateOptions? options = null, TimeProvider? time = null)
    {
        var detector = new DriftMonitor();
        var durable = new DurableDetection(detector, detector, store, options ?? new StateOptions(), time ?? TimeProvider.System, NullLogger.Instance);
        return (durable, detector, store);
    }

    private static (long Commit, bool Applied) Observe(DurableDetection durable, string agent, int partition, long offset)
    {
        var decision = new DecisionEvent
        {
            EventId = $"{agent}-{offset}",
            AgentId = agent,
            Timestamp = Start.AddSeconds(offset),
            DecisionName = "route",
            Outcome = offset % 2 == 0 ? "billing" : "general",
        };
        var message = new ConsumedMessage(Topic, partition, offset, Encoding.UTF8.GetBytes(agent), [], Start);
        bool applied = false;
        var (_, commit) = durable.Observe(message, ParseResult.Ok(decision), () =>
        {
            applied = true;
            return durable.Detector.Observe(decision);
        });
        return (commit, applied);
    }

    private sealed class InMemoryStore : IAgentStateStore
    {
        public Dictionary<string, byte[]> Values { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Staged { get; } = new(StringComparer.Ordinal);

        public byte[]? Load(string agentId) => Values.GetValueOrDefault(agentId);

        public void Stage(string agentId, int partition, byte[] value)
        {
            Values[agentId] = value;
            Staged.Add(agentId);
        }

        public Task WriteAsync(IReadOnlyList<AgentStateRecord> records, CancellationToken cancellationToken)
        {
            foreach (var record in records)
            {
                Values[record.AgentId] = record.Value;
            }

            return Task.CompletedTask;
        }
    }
}
