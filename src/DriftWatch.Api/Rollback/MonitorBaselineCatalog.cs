using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// The baseline catalog of a running service: it reads the detector's own agent histories (reference versions
/// and state changes), which are checkpointed and restored with the detection state, so a restarted instance
/// plans the same rollback target as the one that saw the events. An agent not in memory (evicted, or not
/// seen since a restart) is read from its latest checkpoint. Pinned baselines (from pinned snapshots) win.
/// Thread-safe.
/// </summary>
public sealed class MonitorBaselineCatalog : IBaselineCatalog
{
    private readonly DriftMonitor _detector;
    private readonly Func<string, byte[]?>? _loadCheckpoint;
    private readonly Func<bool>? _restored;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Agent, string Environment), RollbackBaseline> _pinned = [];

    /// <summary>
    /// Reads histories from <paramref name="detector"/>; <paramref name="loadCheckpoint"/>, when given, finds the
    /// latest checkpoint of an agent that is not in memory; <paramref name="restored"/>, when given, says whether
    /// this instance's checkpoints are restored (see <see cref="Complete"/>).
    /// </summary>
    public MonitorBaselineCatalog(DriftMonitor detector, Func<string, byte[]?>? loadCheckpoint = null, Func<bool>? restored = null)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _loadCheckpoint = loadCheckpoint;
        _restored = restored;
    }

    /// <inheritdoc />
    public bool Complete => _restored?.Invoke() ?? true;

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

    private AgentHistory? History(string agentId, string environment)
    {
        if (_detector.HistoryOf(agentId, environment) is { } history)
        {
            return history;
        }

        if (_loadCheckpoint?.Invoke(agentId) is not { } checkpoint)
        {
            return null;
        }

        // Read without loading: the live monitor belongs to the detection thread.
        try
        {
            return _detector.ReadHistory(checkpoint, environment);
        }
        catch (CheckpointException)
        {
            return null;
        }
    }
}
