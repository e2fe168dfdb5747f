using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Service.Snapshots;

/// <summary>Why a snapshot was recorded.</summary>
public enum RecordedSnapshotKind
{
    /// <summary>The first reference-window decisions of a behaviour: its last known-good baseline.</summary>
    Reference,

    /// <summary>One closed period of event time.</summary>
    Period,

    /// <summary>The current period up to the moment an alert fired for the behaviour.</summary>
    Drifted,
}

/// <summary>A snapshot the recorder queued for the store; its id is final before it is written.</summary>
/// <param name="Key">The behaviour profiled.</param>
/// <param name="Kind">Why it was recorded.</param>
/// <param name="PeriodStart">Start of the period (for a reference snapshot, its first event's time).</param>
/// <param name="Snapshot">The snapshot itself.</param>
public sealed record RecordedSnapshot(BehaviourKey Key, RecordedSnapshotKind Kind, DateTimeOffset PeriodStart, BehaviourSnapshot Snapshot)
{
    /// <summary>The snapshot's content id.</summary>
    public string Id => Snapshot.Id;
}
