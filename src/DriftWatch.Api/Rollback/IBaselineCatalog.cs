namespace DriftWatch.Api.Rollback;

/// <summary>The last good behaviour of an agent: the versions it ran while its behaviour was the reference.</summary>
/// <param name="AgentVersion">The <c>agent_version</c> seen then, if the agent reports one.</param>
/// <param name="StateVersion">The <c>state_version</c> seen then, if the agent reports one.</param>
/// <param name="LastSeen">Event time at which this baseline was last observed.</param>
/// <param name="SnapshotId">The pinned snapshot this baseline comes from, when snapshots exist.</param>
public sealed record RollbackBaseline(string? AgentVersion, string? StateVersion, DateTimeOffset LastSeen, string? SnapshotId = null);

/// <summary>
/// Where rollback finds the last good behaviour of an agent and the state changes made since. The stream
/// implements it from its reference windows and snapshots; <see cref="InMemoryBaselineCatalog"/> records it
/// from the events it is shown.
/// </summary>
public interface IBaselineCatalog
{
    /// <summary>
    /// False while the catalog may not know every agent it will know: after a start or a rebalance, until this
    /// instance's partitions are assigned and their checkpoints restored. An unknown agent is then answered
    /// "try again later" (503 with Retry-After) rather than "unknown" (422). True by default.
    /// </summary>
    bool Complete => true;

    /// <summary>The last good baseline of an agent before a drift began, or null when none is known.</summary>
    ValueTask<RollbackBaseline?> FindLastGoodAsync(
        string agentId,
        string environment,
        DateTimeOffset driftOnset,
        CancellationToken cancellationToken);

    /// <summary>
    /// The state keys to revert for a drift of <paramref name="feature"/> that began at
    /// <paramref name="driftOnset"/>: of the changes made after <paramref name="baseline"/>, those most likely
    /// to have caused it (close to the onset, in the drifted segment, about the drifted behaviour). Empty
    /// when no change is known, which reverts the whole state.
    /// </summary>
    ValueTask<IReadOnlyList<string>> FindChangedStateKeysAsync(
        string agentId,
        string environment,
        RollbackBaseline baseline,
        string feature,
        DateTimeOffset driftOnset,
        CancellationToken cancellationToken);
}
