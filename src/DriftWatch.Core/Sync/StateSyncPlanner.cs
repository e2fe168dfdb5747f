using System.Text.Json;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Sync;

/// <summary>Computes a <see cref="StateSyncPlan"/> from the state events of two environments.</summary>
public static class StateSyncPlanner
{
    /// <summary>
    /// Compares the state <paramref name="agentId"/> ended with in <paramref name="source"/> and in
    /// <paramref name="target"/>. Each differing key is linked to the features among
    /// <paramref name="behaviour"/>'s significant changes and <paramref name="features"/> that it bears on.
    /// </summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="source">Environment whose state is copied.</param>
    /// <param name="target">Environment a sync changes.</param>
    /// <param name="changes">State events, in file order; other agents and environments are ignored.</param>
    /// <param name="behaviour">The behaviour comparison of the two environments, if decisions were recorded.</param>
    /// <param name="features">Further features to link keys to (e.g. those a sync is limited to).</param>
    public static StateSyncPlan Plan(
        string agentId,
        string source,
        string target,
        IReadOnlyCollection<StateEvent> changes,
        SnapshotDiff? behaviour = null,
        IReadOnlyCollection<string>? features = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(changes);
        if (string.Equals(source, target, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Source and target environment are both '{source}'.", nameof(target));
        }

        var from = EnvironmentState.Fold(agentId, source, changes);
        var to = EnvironmentState.Fold(agentId, target, changes);
        var linkable = (behaviour?.Significant.Select(static c => c.Feature) ?? [])
            .Concat(features ?? [])
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var differences = new List<StateKeyDifference>();
        var same = 0;
        foreach (var key in from.Keys.Keys.Union(to.Keys.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var a = from.Keys.TryGetValue(key, out var sourceChange) ? ValueOf(sourceChange) : null;
            var b = to.Keys.TryGetValue(key, out var targetChange) ? ValueOf(targetChange) : null;
            if (a is not null && b is not null && JsonElement.DeepEquals(a.Value, b.Value))
            {
                same++;
                continue;
            }

            var kind = a is null ? StateKeyDifferenceKind.OnlyInTarget : b is null ? StateKeyDifferenceKind.OnlyInSource : StateKeyDifferenceKind.Changed;
            var difference = new StateKeyDifference(key, kind, a, b, []);
            differences.Add(difference with { LinkedFeatures = linkable.Where(f => Links(difference, f)).ToList() });
        }

        return new StateSyncPlan(from, to, differences, same, linkable, behaviour);
    }

    /// <summary>Whether attribution links a differing key to a feature, by the segment of either side's value.</summary>
    internal static bool Links(StateKeyDifference difference, string feature) =>
        (difference.Source is { } s && RollbackAttribution.BearsOn(difference.Key, s.Segment, feature))
        || (difference.Target is { } t && RollbackAttribution.BearsOn(difference.Key, t.Segment, feature));

    private static StateKeyValue ValueOf(StateEvent change) => new(change.Value, change.StateVersion, change.Timestamp, change.Segment);
}
