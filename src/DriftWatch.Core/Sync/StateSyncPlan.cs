using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Sync;

/// <summary>
/// What differs between the state of one agent in two environments, key by key, and which behaviours each
/// differing key is linked to. The source is the environment whose state is copied; the target is the one a
/// sync changes (<c>sync plan --from production --to staging</c> copies production's state into staging).
/// </summary>
public sealed class StateSyncPlan
{
    internal StateSyncPlan(
        EnvironmentState source,
        EnvironmentState target,
        IReadOnlyList<StateKeyDifference> differences,
        int sameKeys,
        IReadOnlyList<string> features,
        SnapshotDiff? behaviour)
    {
        AgentId = source.AgentId;
        SourceEnvironment = source.Environment;
        TargetEnvironment = target.Environment;
        SourceChanges = source.ChangesSeen;
        TargetChanges = target.ChangesSeen;
        Differences = differences;
        SameKeys = sameKeys;
        Features = features;
        Behaviour = behaviour;
    }

    public string AgentId { get; }

    /// <summary>The environment whose state is copied.</summary>
    public string SourceEnvironment { get; }

    /// <summary>The environment a sync changes.</summary>
    public string TargetEnvironment { get; }

    /// <summary>State events read for the source.</summary>
    public int SourceChanges { get; }

    /// <summary>State events read for the target.</summary>
    public int TargetChanges { get; }

    /// <summary>Differing keys, ordered by key.</summary>
    public IReadOnlyList<StateKeyDifference> Differences { get; }

    /// <summary>Keys set to equal values in both environments.</summary>
    public int SameKeys { get; }

    /// <summary>The behaviour features keys were linked against: those that differ significantly between the environments, then any asked for.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>The behaviour comparison of the two environments (target against source), when decisions of both were available.</summary>
    public SnapshotDiff? Behaviour { get; }

    /// <summary>
    /// The differences a sync limited to <paramref name="keys"/> and to keys linked to <paramref name="features"/>
    /// applies (their union); every difference when both are empty.
    /// </summary>
    public IReadOnlyList<StateKeyDifference> Select(IReadOnlyCollection<string> keys, IReadOnlyCollection<string> features)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(features);
        if (keys.Count == 0 && features.Count == 0)
        {
            return Differences;
        }

        var wanted = new HashSet<string>(keys, StringComparer.Ordinal);
        return Differences
            .Where(d => wanted.Contains(d.Key) || features.Any(f => StateSyncPlanner.Links(d, f)))
            .ToList();
    }
}
