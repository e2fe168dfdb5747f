using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// The baseline catalog of a running service: it reads the detector's own agent histories (reference versions
/// and state changes), which are checkpointed and restored with the detection state, so a restarted instance
/// plans the same rollback target as the one that saw the events. An agent not in memory (evicted, or not
/// seen since a restart) is read from its latest checkpoint. Pinned baselines (from pinned snapshots) win.
/// Thread-safe.
/// </summary>
public sealed class MonitorBaselineCatalog : HistoryBaselineCatalog
{
    private readonly DriftMonitor[] _detectors;
    private readonly Func<string, byte[]?>? _loadCheckpoint;
    private readonly Func<bool>? _restored;

    /// <summary>
    /// Reads histories from <paramref name="detector"/>; <paramref name="loadCheckpoint"/>, when given, finds the
    /// latest checkpoint of an agent that is not in memory; <paramref name="restored"/>, when given, says whether
    /// this instance's checkpoints are restored (see <see cref="Complete"/>).
    /// </summary>
    public MonitorBaselineCatalog(DriftMonitor detector, Func<string, byte[]?>? loadCheckpoint = null, Func<bool>? restored = null)
        : this([detector ?? throw new ArgumentNullException(nameof(detector))], loadCheckpoint, restored)
    {
    }

    /// <summary>
    /// Reads histories from the detection shards <paramref name="detectors"/>, detector i holding the agents
    /// <see cref="AgentShards.Of"/> gives shard i; otherwise as the one-detector constructor.
    /// </summary>
    public MonitorBaselineCatalog(IReadOnlyList<DriftMonitor> detectors, Func<string, byte[]?>? loadCheckpoint = null, Func<bool>? restored = null)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        if (detectors.Count == 0 || detectors.Any(static d => d is null))
        {
            throw new ArgumentException("At least one detector is needed, and none may be null.", nameof(detectors));
        }

        _detectors = [.. detectors];
        _loadCheckpoint = loadCheckpoint;
        _restored = restored;
    }

    /// <inheritdoc />
    public override bool Complete => _restored?.Invoke() ?? true;

    /// <inheritdoc />
    protected override AgentHistory? History(string agentId, string environment)
    {
        var detector = _detectors.Length == 1 ? _detectors[0] : _detectors[AgentShards.Of(agentId, _detectors.Length)];
        if (detector.HistoryOf(agentId, environment) is { } history)
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
            return detector.ReadHistory(checkpoint, environment);
        }
        catch (CheckpointException)
        {
            return null;
        }
    }
}
