using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// A baseline catalog kept in memory from the events it observes. Per agent and environment the versions
/// seen in the first <c>referenceEvents</c> decisions form the reference window, the same idea as the
/// detectors' reference window; the newest version of that window seen before a drift began is the last
/// good baseline. State changes after it are ranked as causes of a drift (RollbackAttribution) and the likely ones are reverted. Thread-safe.
/// </summary>
public sealed class InMemoryBaselineCatalog : IBaselineCatalog
{
    private readonly int _referenceEvents;
    private readonly int _maxStateChanges;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Agent, string Env), AgentHistory> _agents = [];

    /// <summary>
    /// Creates a catalog whose reference window is the first <paramref name="referenceEvents"/> decisions of
    /// an agent, keeping at most <paramref name="maxStateChanges"/> recent state changes per agent.
    /// </summary>
    public InMemoryBaselineCatalog(int referenceEvents = 2000, int maxStateChanges = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(referenceEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStateChanges, 1);
        _referenceEvents = referenceEvents;
        _maxStateChanges = maxStateChanges;
    }

    /// <summary>Records the versions a decision ran with.</summary>
    public void Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            var history = HistoryOf(decision.AgentId, decision.Environment);
            if (history.Decisions++ >= _referenceEvents)
            {
                return;
            }

            var last = history.Reference.Count == 0 ? null : history.Reference[^1];
            if (last is not null && last.AgentVersion == decision.AgentVersion && last.StateVersion == decision.StateVersion)
            {
                if (decision.Timestamp > last.LastSeen)
                {
                    history.Reference[^1] = last with { LastSeen = decision.Timestamp };
                }

                return;
            }

            history.Reference.Add(new RollbackBaseline(decision.AgentVersion, decision.StateVersion, decision.Timestamp));
        }
    }

    /// <summary>Records a state change, so a rollback can name the keys changed since the baseline.</summary>
    public void Observe(StateEvent state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            var changes = HistoryOf(state.AgentId, state.Environment).Changes;
            if (changes.Count == _maxStateChanges)
            {
                changes.Dequeue();
            }

            changes.Enqueue(state);
        }
    }

    /// <summary>Pins a baseline explicitly, e.g. one restored from a snapshot; it wins over observed ones.</summary>
    public void Pin(string agentId, string environment, RollbackBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        lock (_gate)
        {
            HistoryOf(agentId, environment).Pinned = baseline;
        }
    }

    /// <inheritdoc />
    public ValueTask<RollbackBaseline?> FindLastGoodAsync(
        string agentId,
        string environment,
        DateTimeOffset driftOnset,
        CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue((agentId, environment), out var history))
            {
                return ValueTask.FromResult<RollbackBaseline?>(null);
            }

            if (history.Pinned is not null)
            {
                return ValueTask.FromResult<RollbackBaseline?>(history.Pinned);
            }

            RollbackBaseline? found = null;
            foreach (var candidate in history.Reference)
            {
                if (candidate.LastSeen <= driftOnset)
                {
                    found = candidate;
                }
            }

            // A drift onset inside the reference window still has the first reference versions as its baseline.
            found ??= history.Reference.Count > 0 ? history.Reference[0] : null;
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> FindChangedStateKeysAsync(
        string agentId,
        string environment,
        RollbackBaseline baseline,
        string feature,
        DateTimeOffset driftOnset,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentException.ThrowIfNullOrEmpty(feature);
        List<StateEvent> changes;
        lock (_gate)
        {
            if (!_agents.TryGetValue((agentId, environment), out var history))
            {
                return ValueTask.FromResult<IReadOnlyList<string>>([]);
            }

            changes = [.. history.Changes];
        }

        var ranked = RollbackAttribution.Rank(new DriftObservation(agentId, environment, feature, driftOnset), baseline.LastSeen, changes);
        return ValueTask.FromResult(RollbackAttribution.KeysToRevert(ranked));
    }

    private AgentHistory HistoryOf(string agentId, string environment)
    {
        if (!_agents.TryGetValue((agentId, environment), out var history))
        {
            history = new AgentHistory();
            _agents.Add((agentId, environment), history);
        }

        return history;
    }

    private sealed class AgentHistory
    {
        public long Decisions;
        public RollbackBaseline? Pinned;
        public List<RollbackBaseline> Reference { get; } = [];
        public Queue<StateEvent> Changes { get; } = new();
    }
}
