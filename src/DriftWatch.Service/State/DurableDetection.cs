using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.State;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.State;

/// <summary>
/// Detection with state that survives restarts and moves between instances. Owned by the detect stage (one
/// thread). For every agent it knows up to which input offset its state has seen events; on the agent's first
/// event here it restores the agent's checkpoint, and skips events the checkpoint already holds, so that
/// a restored state plus the committed offset decide exactly what an uninterrupted run would have.
/// </summary>
/// <remarks>
/// The commit discipline: an offset of a partition may be committed only when every agent of the partition
/// whose state has absorbed an earlier event has a durable checkpoint that holds it. Agents that absorbed
/// events since their last checkpoint are "dirty", kept in a queue per partition in the order they became
/// dirty, so the commit limit is the first offset of the oldest dirty agent. Checkpoint markers (periodic,
/// on revoke and on shutdown) checkpoint the dirty agents; the records travel with the marker to the sink
/// stage, which writes them after the results of every earlier message, and only then is the marker's
/// offset committed. A checkpoint therefore never holds an event whose results are not written.
/// </remarks>
internal sealed partial class DurableDetection
{
    private readonly IDriftMonitor _monitor;
    private readonly DriftMonitor _detector;
    private readonly IAgentStateStore _store;
    private readonly StateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxAgents;
    private readonly Dictionary<string, AgentState> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), PartitionState> _partitions = [];
    private long _skipped;
    private long _restored;
    private long _restoreFailures;
    private long _evicted;

    // maxAgentsInMemory: this monitor's share of State:MaxAgentsInMemory (default all of it); with detection in
    // shards each shard keeps its part, so the process stays within the setting.
    internal DurableDetection(IDriftMonitor monitor, DriftMonitor detector, IAgentStateStore store, StateOptions options, TimeProvider time, ILogger logger, int? maxAgentsInMemory = null)
    {
        _maxAgents = maxAgentsInMemory ?? options.MaxAgentsInMemory;
        _monitor = monitor;
        _detector = detector;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Events not fed to detection because the agent's restored state already held them.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Agents whose state was restored from a checkpoint.</summary>
    public long Restored => Interlocked.Read(ref _restored);

    /// <summary>Checkpoints that could not be used (the agent re-learned).</summary>
    public long RestoreFailures => Interlocked.Read(ref _restoreFailures);

    /// <summary>Agents checkpointed and dropped from memory.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>The statistical monitor whose state is checkpointed.</summary>
    internal DriftMonitor Detector => _detector;

    /// <summary>Agents in memory.</summary>
    public int AgentsInMemory => _agents.Count;

    /// <summary>
    /// Feeds one event to detection unless the agent's restored state already holds it. Returns the step and
    /// the offset up to which the message's partition may be committed.
    /// </summary>
    internal (DetectionStep Step, long Commit) Observe(ConsumedMessage message, ParseResult result, Func<DetectionStep> detect)
    {
        var partition = PartitionOf(message);
        partition.LastSeen = message.Offset;
        string? agentId = result.Kind switch
        {
            AgentEventKind.Decision => result.Decision!.AgentId,
            AgentEventKind.State => result.State!.AgentId,
            _ => null,
        };

        var step = DetectionStep.Empty;
        if (agentId is not null)
        {
            var agent = AgentOf(agentId, message, partition);
            agent.LastActive = _time.GetTimestamp();
            if (message.Offset <= agent.Applied)
            {
                Interlocked.Increment(ref _skipped);
            }
            else
            {
                step = detect();
                agent.Applied = message.Offset;
                if (agent.DirtyFrom < 0)
                {
                    agent.DirtyFrom = message.Offset;
                    partition.Dirty.Enqueue((agentId, message.Offset));
                }
            }
        }

        return (step, Math.Min(message.Offset + 1, partition.CommitLimit(_agents)));
    }

    /// <summary>
    /// The first offset of a partition not yet safe to commit because an agent here absorbed it and is not
    /// checkpointed since; <see cref="long.MaxValue"/> when none is (or the partition is unknown here). With
    /// detection in shards, a partition's commit is the least of every shard's limit.
    /// </summary>
    internal long CommitLimit(string topic, int partition) =>
        _partitions.TryGetValue((topic, partition), out var state) ? state.CommitLimit(_agents) : long.MaxValue;

    /// <summary>
    /// Handles a control marker: checkpoints the partition's dirty agents (and, for a release, lets go of all
    /// its agents; for a drop, without checkpointing). Returns the records to write and the offset the
    /// partition may be committed up to once they are durable (-1 for none).
    /// </summary>
    internal (IReadOnlyList<AgentStateRecord> Records, long Commit) Control(ConsumedMessage marker)
    {
        var key = (marker.Topic, marker.Partition);
        if (!_partitions.TryGetValue(key, out var partition))
        {
            return ([], -1);
        }

        if (marker.Control == MessageControl.Drop)
        {
            foreach (string agent in partition.Agents.ToList())
            {
                Forget(agent, partition);
            }

            _partitions.Remove(key);
            return ([], -1);
        }

        var records = new List<AgentStateRecord>();
        foreach (var (agentId, _) in partition.Dirty)
        {
            if (_agents.TryGetValue(agentId, out var agent) && agent.DirtyFrom >= 0)
            {
                var unit = _detector.CheckpointAgentUnit(agentId, new SourcePosition(marker.Topic, marker.Partition, agent.Applied));
                if (unit is not null)
                {
                    records.Add(new AgentStateRecord(agentId, marker.Partition, unit));
                }

                agent.DirtyFrom = -1;
            }
        }

        partition.Dirty.Clear();
        long commit = partition.LastSeen >= 0 ? partition.LastSeen + 1 : -1;
        if (marker.Control == MessageControl.Release)
        {
            foreach (string agent in partition.Agents.ToList())
            {
                Forget(agent, partition);
            }

            _partitions.Remove(key);
        }
        else
        {
            Evict(partition, records);
        }

        return (records, commit);
    }

    private void Evict(PartitionState partition, List<AgentStateRecord> written)
    {
        long now = _time.GetTimestamp();
        var idle = partition.Agents
            .Select(id => (Id: id, _agents[id].LastActive))
            .Where(a => _time.GetElapsedTime(a.LastActive, now) >= _options.EvictAfter)
            .Select(a => a.Id)
            .ToList();
        int excess = _agents.Count - idle.Count - _maxAgents;
        if (excess > 0)
        {
            // Beyond the cap, the least recently active agents of this partition go too.
            idle.AddRange(partition.Agents
                .Except(idle)
                .OrderBy(id => _agents[id].LastActive)
                .Take(excess + (_maxAgents / 10)));
        }

        if (idle.Count == 0)
        {
            return;
        }

        var latest = written.ToDictionary(r => r.AgentId, r => r.Value, StringComparer.Ordinal);
        foreach (string agentId in idle)
        {
            if (latest.TryGetValue(agentId, out var bytes))
            {
                // Findable again before the write completes, should the agent come back at once.
                _store.Stage(agentId, partition.Number, bytes);
            }

            Forget(agentId, partition);
            Interlocked.Increment(ref _evicted);
        }
    }

    private void Forget(string agentId, PartitionState partition)
    {
        _detector.EvictAgentUnit(agentId);
        _agents.Remove(agentId);
        partition.Agents.Remove(agentId);
    }

    private AgentState AgentOf(string agentId, ConsumedMessage message, PartitionState partition)
    {
        if (_agents.TryGetValue(agentId, out var agent))
        {
            return agent;
        }

        agent = new AgentState();
        if (_store.Load(agentId) is { } checkpoint)
        {
            try
            {
                var header = _detector.RestoreAgentUnit(checkpoint);
                if (header.Position is { } position && position.Topic == message.Topic && position.Partition == message.Partition)
                {
                    agent.Applied = position.Offset;
                }

                Interlocked.Increment(ref _restored);
            }
            catch (CheckpointException ex)
            {
                Interlocked.Increment(ref _restoreFailures);
                LogRestoreFailed(agentId, ex.Message);
            }
        }

        _agents.Add(agentId, agent);
        partition.Agents.Add(agentId);
        return agent;
    }

    private PartitionState PartitionOf(ConsumedMessage message)
    {
        var key = (message.Topic, message.Partition);
        if (!_partitions.TryGetValue(key, out var partition))
        {
            partition = new PartitionState(message.Partition);
            _partitions.Add(key, partition);
        }

        return partition;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Checkpoint of agent {AgentId} cannot be used ({Reason}); the agent re-learns its reference")]
    private partial void LogRestoreFailed(string agentId, string reason);

    private sealed class AgentState
    {
        public long Applied = -1;
        public long DirtyFrom = -1;
        public long LastActive;
    }

    private sealed class PartitionState(int number)
    {
        public int Number { get; } = number;

        public long LastSeen { get; set; } = -1;

        public HashSet<string> Agents { get; } = new(StringComparer.Ordinal);

        public Queue<(string Agent, long From)> Dirty { get; } = new();

        /// <summary>The first offset not yet safe to commit: that of the oldest dirty agent, else unlimited.</summary>
        public long CommitLimit(Dictionary<string, AgentState> agents)
        {
            while (Dirty.TryPeek(out var oldest))
            {
                if (agents.TryGetValue(oldest.Agent, out var agent) && agent.DirtyFrom == oldest.From)
                {
                    return oldest.From;
                }

                Dirty.Dequeue(); // checkpointed or gone since
            }

            return long.MaxValue;
        }
    }
}
