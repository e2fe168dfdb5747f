using System.Collections.Concurrent;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Service.Snapshots;

/// <summary>
/// Compares the same agent and decision in two environments, period by period: when the second of the two
/// closes a period the first has already closed, the candidate environment is scored against the reference.
/// Keeps only the latest closed period per agent, decision and environment. With
/// <paramref name="stateChanges"/> (the monitor's recent state changes per agent and environment) it also scores
/// how the two environments' state differs: the number of differing keys (<see cref="StateKeysFeature"/>) and one
/// row per differing key (<see cref="StateKeyPrefix"/> + key), as <c>driftwatch sync plan</c> computes them.
/// </summary>
internal sealed class EnvironmentComparison(
    string referenceEnvironment,
    string candidateEnvironment,
    DiffOptions diffOptions,
    Func<string, string, IReadOnlyList<StateEvent>>? stateChanges = null)
{
    /// <summary>Feature name of the number of state keys that differ between the environments.</summary>
    public const string StateKeysFeature = "state.keys_differing";

    /// <summary>Prefix of the feature name of one differing state key (score 1).</summary>
    public const string StateKeyPrefix = "state.key:";

    // Any differing key exceeds it, so "exceeded" reads "the environments' state differs".
    private const double StateThreshold = 0.5;

    /// <summary>Detector name of the scores written for environment comparisons.</summary>
    public const string Detector = "environment";

    /// <summary>Feature name of the overall score (the diff's drift score).</summary>
    public const string OverallFeature = "*";

    // Shared by every detection shard; an agent's keys are only touched from its own shard's thread.
    private readonly ConcurrentDictionary<(string Agent, string Decision, string Environment), ClosedPeriod> _latest = new();

    public IReadOnlyList<FeatureScore> OnPeriodClosed(BehaviourKey key, DateTimeOffset periodStart, DateTimeOffset periodEnd, BehaviourSnapshot snapshot)
    {
        var isReference = string.Equals(key.Environment, referenceEnvironment, StringComparison.Ordinal);
        if (!isReference && !string.Equals(key.Environment, candidateEnvironment, StringComparison.Ordinal))
        {
            return [];
        }

        _latest[(key.AgentId, key.DecisionName, key.Environment)] = new ClosedPeriod(periodStart, snapshot);
        var counterpart = isReference ? candidateEnvironment : referenceEnvironment;
        if (!_latest.TryGetValue((key.AgentId, key.DecisionName, counterpart), out var other) || other.Start != periodStart)
        {
            return [];
        }

        var (reference, candidate) = isReference ? (snapshot, other.Snapshot) : (other.Snapshot, snapshot);
        var diff = SnapshotDiff.CompareEnvironments(reference, candidate, diffOptions);
        var scoredKey = key with { Environment = candidateEnvironment };
        var scores = new List<FeatureScore>
        {
            Score(scoredKey, OverallFeature, diff.DriftScore, periodStart, periodEnd, reference.EventCount, candidate.EventCount),
        };
        foreach (var change in diff.Significant)
        {
            scores.Add(Score(scoredKey, change.Feature, change.Distance, periodStart, periodEnd, change.BaselineCount, change.CandidateCount));
        }

        AddStateScores(scores, scoredKey, periodStart, periodEnd);
        return scores;
    }

    private void AddStateScores(List<FeatureScore> scores, BehaviourKey key, DateTimeOffset start, DateTimeOffset end)
    {
        if (stateChanges is null)
        {
            return;
        }

        var reference = stateChanges(key.AgentId, referenceEnvironment);
        var candidate = stateChanges(key.AgentId, candidateEnvironment);
        if (reference.Count == 0 && candidate.Count == 0)
        {
            // An agent that publishes no state events has no state to compare.
            return;
        }

        var plan = Core.Sync.StateSyncPlanner.Plan(key.AgentId, referenceEnvironment, candidateEnvironment, [.. reference, .. candidate]);
        scores.Add(new(key, StateKeysFeature, Detector, plan.Differences.Count, StateThreshold, end, start, end, reference.Count, candidate.Count));
        foreach (var difference in plan.Differences)
        {
            scores.Add(new(key, StateKeyPrefix + difference.Key, Detector, 1, StateThreshold, end, start, end, reference.Count, candidate.Count));
        }
    }

    private FeatureScore Score(BehaviourKey key, string feature, double distance, DateTimeOffset start, DateTimeOffset end, long referenceCount, long candidateCount) =>
        new(key, feature, Detector, distance, diffOptions.MinDistance, end, start, end, referenceCount, candidateCount);

    private sealed record ClosedPeriod(DateTimeOffset Start, BehaviourSnapshot Snapshot);
}
