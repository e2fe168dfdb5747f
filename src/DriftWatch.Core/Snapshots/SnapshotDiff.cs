namespace DriftWatch.Core.Snapshots;

/// <summary>
/// What changed between a baseline snapshot and a candidate snapshot, per feature and per input segment,
/// ranked: significant changes first, largest distance first.
/// </summary>
public sealed class SnapshotDiff
{
    internal SnapshotDiff(BehaviourSnapshot baseline, BehaviourSnapshot candidate, IReadOnlyList<FeatureChange> changes)
    {
        Baseline = baseline;
        Candidate = candidate;
        Changes = changes;
        DriftScore = changes.Where(static c => c.Significant).Select(static c => c.Distance).DefaultIfEmpty(0).Max();
    }

    /// <summary>The reference side (e.g. the pinned good snapshot, or production).</summary>
    public BehaviourSnapshot Baseline { get; }

    /// <summary>The side compared against it (e.g. the latest snapshot, or staging).</summary>
    public BehaviourSnapshot Candidate { get; }

    /// <summary>Every compared feature and segment, ranked (significant first, then by distance).</summary>
    public IReadOnlyList<FeatureChange> Changes { get; }

    /// <summary>The significant changes only, ranked.</summary>
    public IEnumerable<FeatureChange> Significant => Changes.Where(static c => c.Significant);

    /// <summary>Whether anything changed significantly.</summary>
    public bool HasChanges => Changes.Any(static c => c.Significant);

    /// <summary>Largest distance among significant changes, in [0, 1]; 0 when nothing changed.</summary>
    public double DriftScore { get; }

    /// <summary>Compares <paramref name="candidate"/> against <paramref name="baseline"/>.</summary>
    public static SnapshotDiff Compute(BehaviourSnapshot baseline, BehaviourSnapshot candidate, DiffOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        options ??= DiffOptions.Default;
        options.Validate();
        if (!baseline.Options.SameLimits(candidate.Options))
        {
            throw new ArgumentException("Snapshots built with different size limits cannot be compared.", nameof(candidate));
        }

        return new SnapshotDiff(baseline, candidate, FeatureComparer.CompareAll(baseline, candidate, options));
    }

    /// <summary>
    /// Staging-versus-production style comparison: the same agent (and decision) in two environments,
    /// <paramref name="reference"/> being the environment trusted as correct.
    /// </summary>
    public static SnapshotDiff CompareEnvironments(BehaviourSnapshot reference, BehaviourSnapshot other, DiffOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(other);
        if (reference.Scope.AgentId != other.Scope.AgentId || reference.Scope.DecisionName != other.Scope.DecisionName)
        {
            throw new ArgumentException(
                $"Environment comparison needs the same agent and decision ({reference.Scope} vs {other.Scope}).", nameof(other));
        }

        return Compute(reference, other, options);
    }
}
