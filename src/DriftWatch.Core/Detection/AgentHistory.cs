using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Detection;

/// <summary>The versions an agent ran with while its behaviour formed the reference: a rollback target.</summary>
/// <param name="AgentVersion">The <c>agent_version</c> seen, if the agent reports one.</param>
/// <param name="StateVersion">The <c>state_version</c> seen, if the agent reports one.</param>
/// <param name="LastSeen">Event time at which these versions were last seen in the reference window.</param>
public sealed record ReferenceVersion(string? AgentVersion, string? StateVersion, DateTimeOffset LastSeen);

/// <summary>
/// What DriftWatch keeps per agent and environment beside its behaviours: the versions seen during the
/// reference window (the last good baseline a rollback returns to) and the recent state changes (what a
/// scoped rollback may revert). Owned by the monitor and checkpointed with it, so a restarted instance
/// plans the same rollback as the one that saw the events. Written by the detection thread, read by the API:
/// every member locks.
/// </summary>
public sealed class AgentHistory
{
    /// <summary>State changes kept per agent and environment, oldest dropped first.</summary>
    public const int MaxStateChanges = 128;

    // An agent that changes versions on every event must not grow the record without bound.
    private const int MaxReferenceVersions = 64;

    private readonly Lock _gate = new();
    private readonly List<ReferenceVersion> _reference = [];
    private readonly Queue<StateEvent> _changes = new();
    private readonly int _maxStateChanges;
    private long _decisions;

    /// <summary>
    /// An empty history. The monitor keeps one per agent and environment; a catalog fed without a monitor
    /// (<c>InMemoryBaselineCatalog</c>) keeps its own, with up to <paramref name="maxStateChanges"/> state changes.
    /// </summary>
    public AgentHistory(string agentId, string environment, int maxStateChanges = MaxStateChanges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStateChanges, 1);
        AgentId = agentId;
        Environment = environment;
        _maxStateChanges = maxStateChanges;
    }

    public string AgentId { get; }

    public string Environment { get; }

    /// <summary>Decisions seen so far (all decision names).</summary>
    public long Decisions
    {
        get
        {
            lock (_gate)
            {
                return _decisions;
            }
        }
    }

    /// <summary>The versions seen in the reference window, in order.</summary>
    public IReadOnlyList<ReferenceVersion> ReferenceVersions
    {
        get
        {
            lock (_gate)
            {
                return [.. _reference];
            }
        }
    }

    /// <summary>The recent state changes, oldest first.</summary>
    public IReadOnlyList<StateEvent> StateChanges
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>
    /// The last good versions before a drift began: the newest reference versions last seen at or before the
    /// onset, or the first reference versions when the drift began inside the reference window.
    /// </summary>
    public ReferenceVersion? LastGoodBefore(DateTimeOffset onset)
    {
        lock (_gate)
        {
            ReferenceVersion? found = null;
            foreach (var candidate in _reference)
            {
                if (candidate.LastSeen <= onset)
                {
                    found = candidate;
                }
            }

            return found ?? (_reference.Count > 0 ? _reference[0] : null);
        }
    }

    /// <summary>Records the versions a decision ran with, while the first <paramref name="referenceEvents"/> decisions last.</summary>
    public void Observe(DecisionEvent decision, int referenceEvents)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            if (_decisions++ >= referenceEvents)
            {
                return;
            }

            var last = _reference.Count == 0 ? null : _reference[^1];
            if (last is not null && last.AgentVersion == decision.AgentVersion && last.StateVersion == decision.StateVersion)
            {
                if (decision.Timestamp > last.LastSeen)
                {
                    _reference[^1] = last with { LastSeen = decision.Timestamp };
                }

                return;
            }

            if (_reference.Count < MaxReferenceVersions)
            {
                _reference.Add(new ReferenceVersion(decision.AgentVersion, decision.StateVersion, decision.Timestamp));
            }
        }
    }

    /// <summary>Records a state change; the oldest is dropped beyond the cap.</summary>
    public void Observe(StateEvent state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            if (_changes.Count >= _maxStateChanges)
            {
                _changes.Dequeue();
            }

            _changes.Enqueue(state);
        }
    }

    internal void WriteTo(BinaryWriter writer)
    {
        lock (_gate)
        {
            writer.Write(_decisions);
            writer.Write7BitEncodedInt(_reference.Count);
            foreach (var version in _reference)
            {
                writer.WriteNullable(version.AgentVersion);
                writer.WriteNullable(version.StateVersion);
                writer.WriteTime(version.LastSeen);
            }

            // State changes keep their contract JSON: the same parser reads them back.
            writer.Write7BitEncodedInt(_changes.Count);
            foreach (var change in _changes)
            {
                byte[] json = AgentEventWriter.ToUtf8Bytes(change);
                writer.Write7BitEncodedInt(json.Length);
                writer.Write(json);
            }
        }
    }

    internal static AgentHistory ReadFrom(BinaryReader reader, string agentId, string environment)
    {
        var history = new AgentHistory(agentId, environment) { _decisions = reader.ReadInt64() };
        int versions = reader.ReadLength();
        for (int i = 0; i < versions; i++)
        {
            history._reference.Add(new ReferenceVersion(reader.ReadNullableString(), reader.ReadNullableString(), reader.ReadTime()));
        }

        int changes = reader.ReadLength();
        for (int i = 0; i < changes; i++)
        {
            byte[] json = reader.ReadBytes(reader.ReadLength());
            var parsed = AgentEventParser.Parse(json);
            if (parsed.Kind != AgentEventKind.State)
            {
                throw new InvalidDataException($"Checkpointed state change {i} of {agentId}/{environment} is not a state event: {parsed.Error}");
            }

            history._changes.Enqueue(parsed.State!);
        }

        return history;
    }
}
