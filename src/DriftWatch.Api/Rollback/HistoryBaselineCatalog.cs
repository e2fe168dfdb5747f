using DriftWatch.Core.Detection;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// The one way rollback finds baselines: from an agent's <see cref="AgentHistory"/> (the versions seen while
/// its behaviour formed the reference, and its recent state changes), unless a baseline is pinned (from a
/// pinned snapshot), which wins. Subclasses say where the histories come from: the running monitor
/// (<see cref="MonitorBaselineCatalog"/>) or events shown to the catalog (<see cref="InMemoryBaselineCatalog"/>).
/// Thread-safe.
/// </summary>
public abstract class HistoryBaselineCatalog : IBaselineCatalog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Agent, string Environment), RollbackBaseline> _pinned = [];

    /// <inheritdoc />
    public virtual bool Complete => true;

    /// <summary>Pins a baseline explicitly, e.g. from a pinned snapshot; it wins over observed ones.</summary>
    public void Pin(string agentId, string environment, RollbackBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        lock (_gate)
        {
            _pinned[(agentId, environment)] = baseline;
        }
    }

    /// <inheritdoc />
    public ValueTask<RollbackBaseline?> FindLastGoodAsync(string agentId, string environment, DateTimeOffset driftOnset, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_pinned.TryGetValue((agentId, environment), out var pinned))
            {
                return ValueTask.FromResult<RollbackBaseline?>(pinned);
            }
        }

        var found = History(agentId, environment)?.LastGoodBefore(driftOnset);
        return ValueTask.FromResult(found is null ? null : new RollbackBaseline(found.AgentVersion, found.StateVersion, found.LastSeen));
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
        var changes = History(agentId, environment)?.StateChanges ?? [];
        var ranked = RollbackAttribution.Rank(new DriftObservation(agentId, environment, feature, driftOnset), baseline.LastSeen, [.. changes]);
        return ValueTask.FromResult(RollbackAttribution.KeysToRevert(ranked));
    }

    /// <summary>The history of an agent in an environment, or null when none is known. Called from any thread.</summary>
    protected abstract AgentHistory? History(string agentId, string environment);
}
