using DriftWatch.Core.Events;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Accumulates decision events of one scope into a <see cref="BehaviourSnapshot"/>. Memory stays bounded
/// whatever the number of events. Not thread-safe; build one per partition and <see cref="BehaviourSnapshot.Merge"/>.
/// </summary>
public sealed class SnapshotBuilder
{
    private readonly SnapshotAccumulator _accumulator;

    /// <summary>Starts an empty snapshot of <paramref name="scope"/>.</summary>
    public SnapshotBuilder(SnapshotScope scope, SnapshotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Scope = scope;
        options ??= SnapshotOptions.Default;
        options.Validate();
        _accumulator = new SnapshotAccumulator(scope, options);
    }

    /// <summary>The scope every added event must belong to.</summary>
    public SnapshotScope Scope { get; }

    /// <summary>Number of events added so far.</summary>
    public long Count => _accumulator.EventCount;

    /// <summary>Adds one event. Throws when it belongs to another agent, environment or decision.</summary>
    public void Add(DecisionEvent decision)
    {
        if (!Scope.Contains(decision))
        {
            throw new ArgumentException($"Event {decision.EventId} ({decision.Key}) is outside the snapshot scope {Scope}.", nameof(decision));
        }

        _accumulator.Add(decision);
    }

    /// <summary>Adds the event when it belongs to the scope; returns whether it was added.</summary>
    public bool TryAdd(DecisionEvent decision)
    {
        if (!Scope.Contains(decision))
        {
            return false;
        }

        _accumulator.Add(decision);
        return true;
    }

    /// <summary>
    /// Writes the builder's exact state (for a checkpoint): a builder read back with <see cref="ReadState"/>
    /// under the same scope and options goes on to build exactly the snapshots this one would.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _accumulator.WriteTo(writer);
    }

    /// <summary>
    /// Reads a builder written by <see cref="WriteState"/>; throws <see cref="InvalidDataException"/> or
    /// <see cref="EndOfStreamException"/> on a state it cannot use.
    /// </summary>
    public static SnapshotBuilder ReadState(BinaryReader reader, SnapshotScope scope, SnapshotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var builder = new SnapshotBuilder(scope, options);
        builder._accumulator.ReadFrom(reader);
        return builder;
    }

    /// <summary>The snapshot of the events added so far. The builder can keep going afterwards.</summary>
    public BehaviourSnapshot Build() => _accumulator.ToSnapshot();
}
