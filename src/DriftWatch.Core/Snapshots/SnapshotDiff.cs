using DriftWatch.Core.Features;
using DriftWatch.Core.Exemplars;
using DriftWatch.Core.Incidents;

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
        _roots = new Lazy<IReadOnlyList<RootSegment>>(FindRoots);
    }

    private readonly Lazy<IReadOnlyList<RootSegment>> _roots;

    /// <summary>
    /// The root segments among the significantly moved segments (docs/incidents.md), e.g. "urgency=high explains
    /// 7 other moved segments". Snapshots hold marginal tables only, so the rule assumes the inputs independent:
    /// w(A|B) is A's share in the candidate, and A's part of B moved like A.
    /// </summary>
    public IReadOnlyList<RootSegment> RootSegments => _roots.Value;

    /// <summary>
    /// Example decisions of the first root segment (else of the whole behaviour): the baseline's as
    /// <see cref="ExemplarSet.Reference"/>, the candidate's as <see cref="ExemplarSet.Drifted"/>; null when neither
    /// snapshot carries exemplars.
    /// </summary>
    public ExemplarSet? Exemplars
    {
        get
        {
            foreach (var segment in new[] { RootSegments.Count > 0 ? RootSegments[0].Segment : null, ExemplarSet.AllSegments })
            {
                if (segment is null)
                {
                    continue;
                }

                var reference = Baseline.Exemplars.GetValueOrDefault(segment) ?? [];
                var drifted = Candidate.Exemplars.GetValueOrDefault(segment) ?? [];
                if (reference.Count > 0 || drifted.Count > 0)
                {
                    return new ExemplarSet(segment, reference, drifted);
                }
            }

            return null;
        }
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

    private IReadOnlyList<RootSegment> FindRoots()
    {
        var moves = new List<SegmentMove>();
        foreach (var change in Significant)
        {
            var (feature, before, after) = change.Segment is { } segment
                ? (FeatureId.ConditionalOutcome(segment.InputFeature, segment.Value), Baseline.OutcomeBySegment.GetValueOrDefault(segment), Candidate.OutcomeBySegment.GetValueOrDefault(segment))
                : change.Feature == FeatureNames.Outcome
                    ? (FeatureId.Outcome, Baseline.Categorical.GetValueOrDefault(FeatureNames.Outcome), Candidate.Categorical.GetValueOrDefault(FeatureNames.Outcome))
                    : (default(FeatureId), null, null);
            if (before is null || after is null || before.Total == 0 || after.Total == 0)
            {
                continue;
            }

            var delta = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var value in before.Counts.Keys.Union(after.Counts.Keys))
            {
                delta[value] = after.Share(value) - before.Share(value);
            }

            moves.Add(new SegmentMove(feature, delta));
        }

        return moves.Count == 0 ? [] : RootSegmentAnalyzer.Analyze(moves, new MarginalMixture(ShareInCandidate));
    }

    private double ShareInCandidate(FeatureId segment, FeatureId within) =>
        Candidate.Categorical.GetValueOrDefault(FeatureNames.InputFeature(segment.Key!))?.Share(segment.Segment!) ?? 0;

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
