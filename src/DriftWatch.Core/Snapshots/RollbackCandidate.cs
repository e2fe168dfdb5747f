using DriftWatch.Core.Events;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// A state change ranked as a possible cause of a drift. <see cref="Score"/> is the product of the three
/// component scores, each in [0, 1].
/// </summary>
/// <param name="Change">The state event.</param>
/// <param name="Score">Overall likelihood score in [0, 1]; only the order is meaningful.</param>
/// <param name="TimeScore">Closeness of the change to the drift onset.</param>
/// <param name="SegmentScore">Overlap of the change's segment with the drifted segment.</param>
/// <param name="RelevanceScore">How much the key's name relates to the drifted feature.</param>
/// <param name="Reasons">Why, in words, one line per component.</param>
public sealed record RollbackCandidate(
    StateEvent Change,
    double Score,
    double TimeScore,
    double SegmentScore,
    double RelevanceScore,
    IReadOnlyList<string> Reasons);
