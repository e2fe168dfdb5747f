using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.State;
using DriftWatch.Service.Pipeline;
using DriftWatch.Service.State;
using DriftWatch.Service.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Service.Tests.Pipeline;

public sealed class ShardedDetectStageTests
{
    private const string Topic = "agent-decisions";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Detect_ThreeShards_EveryAgentOnItsOwnMonitorInOrderAndResultsInMessageOrder()
    {
        var monitors = Enumerable.Range(0, 3).Select(_ => new RecordingMonitor()).ToArray();
        var shards = monitors.Select(m => new DetectionShard(m)).ToList();
        var batch = new List<ParsedMessage>();
        for (int i = 0; i < 300; i++)
        {
            batch.Add(i == 150
                ? new ParsedMessage(ConsumedMessage.Marker(Topic, 0, MessageControl.Checkpoint), ParsedMessage.ControlResult)
                : i % 37 == 5 ? Invalid(i) : Decision($"agent-{i % 10}", partition: i % 2, offset: i));
        }

        var processed = ShardedDetectStage.Detect([.. batch], shards, new PipelineStatistics(), NullLogger.Instance, TimeProvider.System, PipelineInstruments.Shared);

        Assert.Equal(batch.Select(p => p.Message), processed.Select(p => p.Message));
        for (int s = 0; s < monitors.Length; s++)
        {
            foreach (var agent in monitors[s].Seen.GroupBy(e => e.AgentId))
            {
                Assert.Equal(s, AgentShards.Of(agent.Key, monitors.Length));
                var offsets = agent.Select(e => int.Parse(e.EventId.Split('@')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(offsets.Order(), offsets);
            }
        }

        Assert.Equal(batch.Count(p => p.Result.IsValid), monitors.Sum(m => m.Seen.Count));
        Assert.True(monitors.Count(m => m.Seen.Count > 0) >= 2, "ten agents should spread over more than one shard");
    }

    [Fact]
    public void Detect_DurableShards_UncheckpointedAgentOfOneShardHoldsThePartitionsCommitForEveryShardUntilTheMarker()
    {
        var store = new InMemoryStore();
        var shards = Enumerable.Range(0, 2).Select(_ =>
        {
            var detector = new DriftMonitor();
            return new DetectionShard(detector, new DurableDetection(detector, detector, store, new StateOptions(), TimeProvider.System, NullLogger.Instance));
        }).ToList();
        string first = AgentOn(0, shards.Count);
        string second = AgentOn(1, shards.Count);
        ParsedMessage[] batch =
        [
            Decision(first, partition: 0, offset: 0),
            Decision(second, partition: 0, offset: 1),
            Decision(second, partition: 0, offset: 2),
            new ParsedMessage(ConsumedMessage.Marker(Topic, 0, MessageControl.Checkpoint), ParsedMessage.ControlResult),
            Decision(second, partition: 0, offset: 3),
        ];

        var processed = ShardedDetectStage.Detect(batch, shards, new PipelineStatistics(), NullLogger.Instance, TimeProvider.System, PipelineInstruments.Shared);

        // The first agent (shard 0) absorbed offset 0 and is not checkpointed: nothing of partition 0 is
        // committable, although the second shard's own agent only holds from offset 1.
        Assert.Equal([0L, 0L, 0L], processed[..3].Select(p => p.CommitOffset));
        Assert.Equal(3, processed[3].CommitOffset);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), processed[3].Checkpoints!.Select(r => r.AgentId).Order(StringComparer.Ordinal));
        Assert.Equal(3, processed[4].CommitOffset);
    }

    private static string AgentOn(int shard, int shards) =>
        Enumerable.Range(0, 100).Select(i => $"agent-{i}").First(a => AgentShards.Of(a, shards) == shard);

    private static ParsedMessage Decision(string agent, int partition, long offset)
    {
        var decision = new DecisionEvent
        {
            EventId = $"{agent}@{offset}",
            AgentId = agent,
            Timestamp = Start.AddSeconds(offset),
            DecisionName = "route",
            Outcome = offset % 2 == 0 ? "billing" : "general",
        };
        return new ParsedMessage(new ConsumedMessage(Topic, partition, offset, Encoding.UTF8.GetBytes(agent), [], Start), ParseResult.Ok(decision));
    }

    private static ParsedMessage Invalid(long offset) =>
        new(new ConsumedMessage(Topic, 0, offset, null, "{}"u8.ToArray(), Start), ParseResult.Fail("schema: missing"));

    private sealed class RecordingMonitor : IDriftMonitor
    {
        public List<DecisionEvent> Seen { get; } = [];

        public DetectionStep Observe(DecisionEvent decision)
        {
            Seen.Add(decision);
            return DetectionStep.Empty;
        }

        public void Observe(StateEvent state)
        {
        }
    }

    private sealed class InMemoryStore : IAgentStateStore
    {
        public byte[]? Load(string agentId) => null;

        public void Stage(string agentId, int partition, byte[] value)
        {
        }

        public Task WriteAsync(IReadOnlyList<AgentStateRecord> records, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
