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

/// <summary>
/// A scoped rollback: the drifted behaviours, the last good snapshot, and the state keys to revert (only
/// those most likely to have caused the drift).
/// </summary>
/// <param name="AgentId">The agent to roll back.</param>
/// <param name="Environment">Its environment.</param>
/// <param name="LastGoodSnapshotId">The snapshot whose state the reverted keys go back to.</param>
/// <param name="RevertToStateVersion">The state_version most seen in the last good snapshot, when it had any.</param>
/// <param name="Drifts">The drifted behaviours the plan addresses.</param>
/// <param name="Candidates">All state changes in the window, best first.</param>
/// <param name="KeysToRevert">The keys to revert, best first.</param>
public sealed record RollbackPlan(
    string AgentId,
    string Environment,
    string LastGoodSnapshotId,
    string? RevertToStateVersion,
    IReadOnlyList<DriftObservation> Drifts,
    IReadOnlyList<RollbackCandidate> Candidates,
    IReadOnlyList<string> KeysToRevert);
