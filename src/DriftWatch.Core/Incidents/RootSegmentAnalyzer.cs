using DriftWatch.Core.Features;

namespace DriftWatch.Core.Incidents;

/// <summary>How the outcome distribution of one segment (or of the whole behaviour) moved: current share minus reference share, per outcome.</summary>
/// <param name="Feature">A conditional outcome feature (<c>decision.outcome|input.features.k=v</c>) or <see cref="FeatureId.Outcome"/>.</param>
/// <param name="Delta">Per outcome value, current share minus reference share; values not listed did not move.</param>
public sealed record SegmentMove(FeatureId Feature, IReadOnlyDictionary<string, double> Delta)
{
    /// <summary>Total variation of the move: half the L1 norm of <see cref="Delta"/>.</summary>
    public double Size => RootSegmentAnalyzer.HalfL1(Delta);
}

/// <summary>What the root-segment rule needs to know about how a behaviour's segments overlap.</summary>
public interface ISegmentMixture
{
    /// <summary>w(A|B): the share of B's decisions that are also in A; for the overall outcome B, A's share.</summary>
    double ShareOfAInB(FeatureId a, FeatureId b);

    /// <summary>
    /// The move of the outcome distribution of the decisions in both A and B (recent minus reference share per
    /// outcome), or null when unknown; the rule then assumes that part moved like A as a whole.
    /// </summary>
    IReadOnlyDictionary<string, double>? MoveOfAWithinB(FeatureId a, FeatureId b);
}

/// <summary>
/// Mixture shares from a function, with A's part of B assumed to move like A (no joint tables): for inputs
/// that are independent of each other, or where only marginal profiles exist (snapshot diffs).
/// </summary>
public sealed class MarginalMixture(Func<FeatureId, FeatureId, double> shareOfAInB) : ISegmentMixture
{
    /// <inheritdoc />
    public double ShareOfAInB(FeatureId a, FeatureId b) => shareOfAInB(a, b);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double>? MoveOfAWithinB(FeatureId a, FeatureId b) => null;
}

/// <summary>A root segment and the moved segments (or overall outcome) its change explains.</summary>
public sealed record RootSegment(FeatureId Root, IReadOnlyList<FeatureId> Explains)
{
    /// <summary>The segment as a person reads it, e.g. <c>urgency=high</c>.</summary>
    public string Segment => RootSegmentAnalyzer.SegmentName(Root);

    /// <summary>One sentence, e.g. "urgency=high explains 7 other moved segments".</summary>
    public string Sentence => Explains.Count switch
    {
        0 => $"{Segment} moved on its own",
        1 => $"{Segment} explains 1 other moved segment",
        _ => $"{Segment} explains {Explains.Count} other moved segments",
    };
}

/// <summary>
/// Finds the smallest set of root segments that explains the other moved segments of one behaviour.
/// <para>
/// Rule: a moved segment B is explained by a set of roots S when B's change is what its mix of the roots
/// predicts: Δ_B ≈ Σ_{A∈S} w(A|B)·Δ_{A∧B}, where Δ is the change of the outcome distribution (current minus
/// reference share per outcome), w(A|B) is the share of A's events within B, and Δ_{A∧B} is the change of the
/// decisions in both (Δ_A when the joint change is not known). This follows from writing B as a mixture of its
/// A part and its non-A part: B is explained when its non-A part did not move.
/// "≈" means the L1 norm of the residual is at most <see cref="Tolerance"/> times the L1 norm of Δ_B.
/// Segments of the same input key are disjoint (w = 0), so they never explain each other; the overall outcome
/// (<c>decision.outcome</c>) has w(A|all) = share of A and can be explained but is never a root.
/// </para>
/// <para>
/// Search: greedy set cover. Each round adds the candidate segment that covers the most uncovered moves
/// (itself plus those it newly explains together with the roots already chosen); ties go to the larger move,
/// then to the name. It stops when every moved segment is covered; a segment left on its own is a root that
/// explains nothing. Each explained move is listed under the root with the largest contribution w·|Δ_A| to it.
/// </para>
/// </summary>
public static class RootSegmentAnalyzer
{
    /// <summary>Largest residual, as a fraction of the move's own size, for a move to count as explained. 0.5.</summary>
    public const double Tolerance = 0.5;

    /// <summary>
    /// Runs the rule over <paramref name="moves"/>. <paramref name="mixture"/> gives w(A|B) and Δ_{A∧B} for a root
    /// candidate A and a move B of different input keys (B may be the overall outcome).
    /// Roots come back ordered by how many moves they explain, then by size of their own move.
    /// </summary>
    public static IReadOnlyList<RootSegment> Analyze(IReadOnlyList<SegmentMove> moves, ISegmentMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(mixture);
        var items = moves
            .Where(m => m.Feature.Family is FeatureFamily.ConditionalOutcome or FeatureFamily.Outcome && m.Size > 0)
            .GroupBy(m => m.Feature)
            .Select(g => g.First())
            .OrderBy(m => m.Feature.Format(), StringComparer.Ordinal)
            .ToList();
        var candidates = items.Where(m => m.Feature.Family == FeatureFamily.ConditionalOutcome).ToList();
        var roots = new List<SegmentMove>();
        var covered = new HashSet<FeatureId>();
        while (covered.Count < items.Count)
        {
            SegmentMove? best = null;
            int bestCount = 0;
            foreach (var candidate in candidates)
            {
                if (roots.Contains(candidate))
                {
                    continue;
                }

                var trial = new List<SegmentMove>(roots) { candidate };
                int count = items.Count(m => !covered.Contains(m.Feature) && (m == candidate || Explained(m, trial, mixture)));
                if (count > bestCount || (count == bestCount && count > 0 && best is not null && candidate.Size > best.Size))
                {
                    best = candidate;
                    bestCount = count;
                }
            }

            if (best is null)
            {
                break; // only the overall outcome is left, and it is never a root
            }

            roots.Add(best);
            covered.Add(best.Feature);
            foreach (var move in items)
            {
                if (!covered.Contains(move.Feature) && Explained(move, roots, mixture))
                {
                    covered.Add(move.Feature);
                }
            }
        }

        var explains = roots.ToDictionary(r => r.Feature, _ => new List<FeatureId>());
        foreach (var move in items)
        {
            if (explains.ContainsKey(move.Feature) || !Explained(move, roots, mixture))
            {
                continue;
            }

            var owner = roots
                .OrderByDescending(r => Weight(r.Feature, move.Feature, mixture) * r.Size)
                .ThenBy(r => r.Feature.Format(), StringComparer.Ordinal)
                .First();
            explains[owner.Feature].Add(move.Feature);
        }

        return roots
            .Select(r => new RootSegment(r.Feature, explains[r.Feature]))
            .OrderByDescending(r => r.Explains.Count)
            .ThenByDescending(r => roots.First(m => m.Feature == r.Root).Size)
            .ThenBy(r => r.Root.Format(), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The segment part of a conditional feature (<c>urgency=high</c>); "all" for the overall outcome.</summary>
    public static string SegmentName(FeatureId feature) =>
        feature.Family == FeatureFamily.ConditionalOutcome ? $"{feature.Key}={feature.Segment}" : "all";

    internal static double HalfL1(IReadOnlyDictionary<string, double> delta)
    {
        double sum = 0;
        foreach (var value in delta.Values)
        {
            sum += Math.Abs(value);
        }

        return sum / 2;
    }

    /// <summary>Cosine similarity a move must reach with the roots' prediction to count as related.</summary>
    public const double MinRelatedCosine = 0.3;

    /// <summary>
    /// Whether <paramref name="move"/> overlaps the roots and moved in the direction their mix predicts (cosine
    /// similarity of Δ_B and Σ w·Δ_{A∧B} at least <see cref="MinRelatedCosine"/>), even if not by the predicted
    /// amount: a weaker test than <see cref="Explained"/>, used to keep a drift's later alerts in its incident.
    /// </summary>
    public static bool Related(SegmentMove move, IReadOnlyList<SegmentMove> roots, ISegmentMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(move);
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(mixture);
        if (Predict(move, roots, mixture) is not { } predicted)
        {
            return false;
        }

        double dot = 0, moveNorm = 0, predictedNorm = 0;
        foreach (var (value, delta) in move.Delta)
        {
            dot += delta * predicted.GetValueOrDefault(value);
            moveNorm += delta * delta;
        }

        foreach (var p in predicted.Values)
        {
            predictedNorm += p * p;
        }

        return moveNorm > 0 && predictedNorm > 0 && dot / Math.Sqrt(moveNorm * predictedNorm) >= MinRelatedCosine;
    }

    /// <summary>Whether <paramref name="roots"/> explain <paramref name="move"/> by the rule above.</summary>
    public static bool Explained(SegmentMove move, IReadOnlyList<SegmentMove> roots, ISegmentMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(move);
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(mixture);
        if (Predict(move, roots, mixture) is not { } predicted)
        {
            return false;
        }

        var residual = new Dictionary<string, double>(predicted.Count + move.Delta.Count, StringComparer.Ordinal);
        foreach (var (value, delta) in move.Delta)
        {
            residual[value] = delta - predicted.GetValueOrDefault(value);
        }

        foreach (var (value, p) in predicted)
        {
            if (!move.Delta.ContainsKey(value))
            {
                residual[value] = -p;
            }
        }

        return HalfL1(residual) <= Tolerance * move.Size;
    }

    /// <summary>Σ w(A|B)·Δ_{A∧B} over the roots that overlap the move; null when none does.</summary>
    private static Dictionary<string, double>? Predict(SegmentMove move, IReadOnlyList<SegmentMove> roots, ISegmentMixture mixture)
    {
        var predicted = new Dictionary<string, double>(StringComparer.Ordinal);
        bool any = false;
        foreach (var root in roots)
        {
            double w = Weight(root.Feature, move.Feature, mixture);
            if (w <= 0)
            {
                continue;
            }

            any = true;
            foreach (var (value, delta) in mixture.MoveOfAWithinB(root.Feature, move.Feature) ?? root.Delta)
            {
                predicted[value] = predicted.GetValueOrDefault(value) + (w * delta);
            }
        }

        return any ? predicted : null;
    }

    private static double Weight(FeatureId root, FeatureId move, ISegmentMixture mixture)
    {
        if (root == move || root.Family != FeatureFamily.ConditionalOutcome)
        {
            return 0;
        }

        if (move.Family == FeatureFamily.ConditionalOutcome && string.Equals(move.Key, root.Key, StringComparison.Ordinal))
        {
            return 0; // two values of one input key never overlap
        }

        return Math.Clamp(mixture.ShareOfAInB(root, move), 0, 1);
    }
}
