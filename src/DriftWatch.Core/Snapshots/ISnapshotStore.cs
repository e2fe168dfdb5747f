namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Where snapshots are kept, addressed by content id, with one pinned (known-good) snapshot per agent and
/// environment. Putting the same snapshot twice is harmless.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>Stores <paramref name="snapshot"/> under its id and returns the id.</summary>
    Task<string> PutAsync(BehaviourSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The snapshot with this exact id, or null when the store does not hold it.</summary>
    Task<BehaviourSnapshot?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every stored snapshot's metadata, oldest time range first.</summary>
    Task<IReadOnlyList<SnapshotInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="snapshotId"/> as the known-good snapshot of its agent and environment, replacing
    /// any earlier pin. Throws <see cref="InvalidOperationException"/> when the store does not hold it.
    /// </summary>
    Task<SnapshotPin> PinAsync(string snapshotId, CancellationToken cancellationToken);

    /// <summary>The pin of one agent and environment, or null when none is pinned.</summary>
    Task<SnapshotPin?> GetPinAsync(string agentId, string environment, CancellationToken cancellationToken);

    /// <summary>Every pin, in agent then environment order.</summary>
    Task<IReadOnlyList<SnapshotPin>> ListPinsAsync(CancellationToken cancellationToken);
}

/// <summary>What a listing shows about a stored snapshot without loading its sketches.</summary>
public sealed record SnapshotInfo(string Id, SnapshotScope Scope, DateTimeOffset? From, DateTimeOffset? To, long EventCount, long SizeBytes);

/// <summary>The known-good snapshot of one agent in one environment, and when it was pinned.</summary>
public sealed record SnapshotPin(string AgentId, string Environment, string SnapshotId, DateTimeOffset PinnedAt);
