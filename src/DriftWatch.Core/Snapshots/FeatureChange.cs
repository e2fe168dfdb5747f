using DriftWatch.Core.Detection;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// How one feature (or one segment of the outcome) differs between the baseline and the candidate snapshot.
/// </summary>
/// <param name="Feature">Full contract name, e.g. <c>decision.outcome|input.features.urgency=high</c>.</param>
/// <param name="Kind">Which distance applies: Jensen-Shannon and G-test for categorical, conditional and text
/// (n-gram buckets) features, Kolmogorov-Smirnov between the sketches for numeric ones.</param>
/// <param name="Segment">The input segment of a conditional feature; null otherwise.</param>
/// <param name="Distance">Effect size in [0, 1]: Jensen-Shannon distance, or KS distance for numeric features.</param>
/// <param name="PValue">Probability of a difference at least this large if nothing changed.</param>
/// <param name="Significant">Whether the change passed the diff's significance and effect-size thresholds.</param>
/// <param name="BaselineCount">Observations in the baseline (events, tool calls or tokens).</param>
/// <param name="CandidateCount">Observations in the candidate.</param>
/// <param name="Summary">One human line, e.g. <c>escalate 61% -&gt; 18%</c>.</param>
/// <param name="TopShifts">The values that moved most: shares for categories, quantiles for numbers, rates per 1,000 tokens for terms.</param>
/// <param name="NormalisedWasserstein">Numeric only: mean absolute quantile shift divided by the baseline's interquartile range.</param>
public sealed record FeatureChange(
    string Feature,
    FeatureKind Kind,
    SegmentKey? Segment,
    double Distance,
    double PValue,
    bool Significant,
    long BaselineCount,
    long CandidateCount,
    string Summary,
    IReadOnlyList<ValueShift> TopShifts,
    double? NormalisedWasserstein = null)
{
    /// <summary>The feature without its segment condition, e.g. <c>decision.outcome</c>.</summary>
    public string BaseFeature => Segment is null ? Feature : FeatureNames.Outcome;
}
